"""Shared pieces for demo data: each app has ``<app>/demo.py`` with ``seed(ctx)``."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.utils import timezone


@dataclass
class DemoContext:
    scale: int
    rng: random.Random
    stdout: object
    today: dt.date = field(default_factory=lambda: timezone.localdate())
    # Objects one app's seeder hands to the next (e.g. the demo users).
    shared: dict = field(default_factory=dict)

    def say(self, message: str) -> None:
        self.stdout.write(message)
