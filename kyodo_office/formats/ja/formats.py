"""Japanese date formats: Django's own, but for a moment a space between its day and its time.
Django's ja DATETIME_FORMAT ("Y年n月j日G:i") runs them together: 「2027年1月10日9:30」."""

DATETIME_FORMAT = "Y年n月j日 G:i"
