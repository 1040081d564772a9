"""gunicorn's settings for the bare floor (bench/bare_settings.py): none of the portal's hooks
(gunicorn.conf.py's page-view flushing needs the project's apps, which the bare floor has not)."""
