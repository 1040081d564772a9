#!/usr/bin/env python
"""Django's command-line utility, with one clear line for misconfiguration."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kyodo_office.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line
    from django.db.utils import OperationalError

    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as exc:
        sys.exit(f"error: {exc}")
    except OperationalError as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
        sys.exit(
            f"error: cannot reach PostgreSQL ({reason}). Start it "
            "(`pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`, or "
            "`make db`) or set DATABASE_URL."
        )


if __name__ == "__main__":
    main()
