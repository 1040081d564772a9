"""Every change to rooms, bookings and loans goes through this package (being split by
capability; the package keeps exporting the same names)."""

from facilities.services.bookings import *  # noqa: F403
