"""Fill the database with a believable office: accounts, groups, rooms, bookings, events...

Idempotent: each app's seeder adds its data only when it is not there yet. ``--scale N`` makes
N times the data for benchmarks. Refuses to run with DEBUG off unless ``--force`` is given.
"""

import random
import time
from importlib import import_module

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings

from core.demo import DemoContext

# Order matters: later seeders use what earlier ones made.
SEEDERS = [
    "accounts",
    "groups",
    "facilities",
    "events",
    "news",
    "newsletter",
    "bulletin",
    "reports",
    "pages",
    "collaboration",
]

DEMO_ACCOUNTS = [
    ("staff@example.com", "NPO staff (admin at /admin/)"),
    ("official@example.com", "city official (reports)"),
    ("committee@example.com", "committee member (reports, survey results, opinions)"),
    ("rep@example.com", "representative of a registered group (organises an event)"),
    ("rep2@example.com", "representative of another registered group"),
    ("member@example.com", "member of rep's group, not its representative (books, posts)"),
    ("citizen@example.com", "citizen without a group"),
]


class Command(BaseCommand):
    help = "Load demo data (idempotent). Use --scale N for benchmark-sized data."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=1, help="multiply the amount of data")
        parser.add_argument("--force", action="store_true", help="run even with DEBUG off")
        parser.add_argument("--seed", type=int, default=2026, help="random seed")

    def handle(self, *args, scale, force, seed, **options):
        if not settings.DEBUG and not force:
            raise CommandError("DEBUG is off: refusing to load demo data (use --force to insist).")
        if scale < 1:
            raise CommandError("--scale must be 1 or more.")
        # The services forget cached pages and figures as they write: the cache tables must
        # exist (a database just migrated has none yet).
        call_command("createcachetable", verbosity=0)
        ctx = DemoContext(scale=scale, rng=random.Random(seed), stdout=self.stdout)
        # The seeders replay the office's past through the services, which send their mails as
        # they would have: the mail log keeps them (each person can read theirs on My Page), but
        # none is handed to a real mail server or printed here.
        with override_settings(
            MAILLOG_INNER_BACKEND="django.core.mail.backends.dummy.EmailBackend"
        ):
            for app in SEEDERS:
                try:
                    module = import_module(f"{app}.demo")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{app}.demo":
                        raise
                    continue
                started, cpu = time.monotonic(), time.process_time()
                with transaction.atomic():
                    module.seed(ctx)
                # Wall time, and this process's CPU time (user + sys; the database's work not
                # counted), which a loaded machine disturbs less.
                ctx.say(
                    f"  ({app}: {time.monotonic() - started:.1f} s, "
                    f"CPU {time.process_time() - cpu:.1f} s)"
                )
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        self.stdout.write(f"Demo accounts (password: {settings.DEMO_PASSWORD}):")
        for email, role in DEMO_ACCOUNTS:
            self.stdout.write(f"  {email:<24} {role}")
