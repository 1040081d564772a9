"""Demo data of the reports: ten fiscal years of website page views and daily visitors, and
targets for recent years.

Page views follow the seed's own growth, 168,336 in the first of the ten years to 346,495 in the
last finished one (the seed's FY2007 → FY2011 figures), with believable daily rows: busier on
weekdays and in April, quiet in August and over the New Year closure. The current year runs to
today. ``--scale N`` (N > 1) adds earlier years back to FY2006, when the office opened, so the
all-years page has long history to aggregate.

Targets (目標値) for the last two years and the current one are set a little above the year
before's actual figures, rounded as an office would write them.
"""

from __future__ import annotations

import datetime as dt
import math

from django.db.models import Sum

from core.fiscal import FiscalYear
from reports import kpis
from reports.models import KpiTarget, PageViewCounter, VisitorCounter

FIRST_FIGURE = 168_336
LAST_FIGURE = 346_495
OFFICE_OPENED = 2006
YEARS = 10

SECTION_SHARES = {
    "home": 0.29,
    "groups": 0.22,
    "events": 0.14,
    "facilities": 0.12,
    "bulletin": 0.08,
    "newsletter": 0.06,
    "news": 0.05,
    "accounts": 0.025,
    "other": 0.015,
}
WEEKDAY = (1.15, 1.12, 1.12, 1.1, 1.08, 0.78, 0.62)  # Monday first
MONTH = {4: 1.18, 5: 1.02, 6: 1.0, 7: 1.05, 8: 0.82, 9: 0.98, 10: 1.06, 11: 1.02, 12: 0.84,
         1: 0.9, 2: 1.0, 3: 1.08}  # fmt: skip

# Fallbacks when the year before has no figure (roughly the seed's own scale).
DEFAULT_TARGETS = {
    "registered_groups_end": 200,
    "new_registrations": 25,
    "facility_users": 6_000,
    "bookings_used": 900,
    "booked_hours": 2_500,
    "utilisation_rate": 45,
    "walk_in_visitors": 1_500,
    "exchange_meetings": 6,
    "exchange_participants": 130,
    "events_held": 20,
    "event_participants": 600,
    "consultations": 150,
    "newsletter_issues": 6,
    "subscribers_end": 300,
    "bulletin_posts": 120,
    "page_views": 360_000,
}
GROWTH = 1.05


def _split(total: int, weights: list[float]) -> list[int]:
    """``total`` in whole parts proportional to ``weights`` (largest remainders get the rest)."""
    whole = sum(weights)
    if total <= 0 or whole <= 0:
        return [0] * len(weights)
    raw = [total * w / whole for w in weights]
    parts = [math.floor(x) for x in raw]
    rest = total - sum(parts)
    for i in sorted(range(len(raw)), key=lambda i: raw[i] - parts[i], reverse=True)[:rest]:
        parts[i] += 1
    return parts


def _day_weight(day: dt.date, rng) -> float:
    weight = WEEKDAY[day.weekday()] * MONTH[day.month] * rng.uniform(0.86, 1.14)
    if (day.month, day.day) >= (12, 29) or (day.month, day.day) <= (1, 3):
        weight *= 0.45  # the office is closed over the New Year
    return weight


def _annual_totals(current: int, first: int, rng) -> dict[int, int]:
    """Page views of each finished year (seed figures at the ten-year window's ends)."""
    window_first, window_last = current - YEARS + 1, current - 1
    steps = window_last - window_first
    ratio = (LAST_FIGURE / FIRST_FIGURE) ** (1 / steps)
    totals = {}
    for year in range(first, current):
        n = year - window_first
        value = FIRST_FIGURE * ratio**n
        if year not in (window_first, window_last):
            value *= rng.uniform(0.97, 1.03)
        totals[year] = round(value)
    totals[window_first], totals[window_last] = FIRST_FIGURE, LAST_FIGURE
    # The year in progress: on course for a little more than last year.
    totals[current] = round(LAST_FIGURE * ratio * rng.uniform(0.98, 1.02))
    return totals


def seed_page_views(ctx) -> int:
    if PageViewCounter.objects.exists():
        ctx.say("reports: page-view counters already there")
        return 0
    current = FiscalYear.of(ctx.today).year
    first = current - YEARS + 1
    if ctx.scale > 1:
        first = min(first, max(OFFICE_OPENED, current - YEARS * ctx.scale + 1))
    totals = _annual_totals(current, first, ctx.rng)
    sections = list(SECTION_SHARES)
    rows = []
    for year in range(first, current + 1):
        fy = FiscalYear(year)
        days = [
            fy.first_day + dt.timedelta(days=i)
            for i in range((fy.last_day - fy.first_day).days + 1)
        ]
        weights = [_day_weight(day, ctx.rng) for day in days]
        per_day = _split(totals[year], weights)
        if year == current:
            # Only the days gone so far (today included) have been counted.
            per_day = [n if day <= ctx.today else 0 for day, n in zip(days, per_day, strict=True)]
        for day, views in zip(days, per_day, strict=True):
            shares = [SECTION_SHARES[s] * ctx.rng.uniform(0.8, 1.2) for s in sections]
            for section, n in zip(sections, _split(views, shares), strict=True):
                if n:
                    rows.append(PageViewCounter(day=day, section=section, views=n))
    PageViewCounter.objects.bulk_create(rows, batch_size=5000)
    ctx.say(
        f"reports: {len(rows)} daily page-view counters, FY{first}–FY{current} "
        f"({totals[current - YEARS + 1]:,} → {totals[current - 1]:,} a year)"
    )
    return len(rows)


# Pages a visitor reads in a day: a little more on weekdays (groups at work on their pages).
PAGES_PER_VISITOR = (2.6, 3.4)


def seed_visitors(ctx) -> int:
    """Each day's unique visitors from its page views (about three pages a visitor), so the
    visitors' figures and chart have the same history as the page views."""
    if VisitorCounter.objects.exists():
        ctx.say("reports: visitor counters already there")
        return 0
    days = (
        PageViewCounter.objects.values_list("day")
        .annotate(views=Sum("views"))
        .order_by("day")
        .values_list("day", "views")
    )
    rows = [
        VisitorCounter(day=day, visitors=max(1, round(views / ctx.rng.uniform(*PAGES_PER_VISITOR))))
        for day, views in days
        if views
    ]
    VisitorCounter.objects.bulk_create(rows, batch_size=5000)
    ctx.say(f"reports: {len(rows)} daily visitor counters")
    return len(rows)


def _nice(value: float) -> int:
    """Round up to two significant figures: 6,392 → 6,400; 137 → 140; 12 → 12."""
    if value < 100:
        return math.ceil(value)
    step = 10 ** (len(str(int(value))) - 2)
    return math.ceil(value / step) * step


def seed_targets(ctx) -> int:
    if KpiTarget.objects.exists():
        ctx.say("reports: KPI targets already there")
        return 0
    current = FiscalYear.of(ctx.today).year
    years = range(current - 2, current + 1)
    actuals = kpis.yearly(first=years[0] - 1, last=current)
    targets = []
    for year in years:
        before = actuals.get(year - 1, {})
        for key, default in DEFAULT_TARGETS.items():
            previous = before.get(key) or 0
            value = (
                default if key == "utilisation_rate" or not previous else float(previous) * GROWTH
            )
            targets.append(KpiTarget(fiscal_year=year, key=key, target=_nice(float(value))))
    KpiTarget.objects.bulk_create(targets)
    ctx.say(f"reports: {len(targets)} KPI targets for FY{years[0]}–FY{current}")
    return len(targets)


def seed(ctx) -> None:
    seed_page_views(ctx)
    seed_visitors(ctx)
    seed_targets(ctx)
