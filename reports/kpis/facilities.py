"""The meeting space: facility users, bookings, booked hours, utilisation, equipment, walk-ins.

Computed by the facilities app (``facilities.kpis``), which owns bookings and opening hours.
"""

from __future__ import annotations

from core.fiscal import FiscalYear
from facilities import kpis

KEYS = kpis.KEYS
yearly = kpis.yearly
monthly = kpis.monthly
utilisation = kpis.utilisation
# A year's report reads its two years' bookings once (``YearReport._reading``).
Reading = kpis.Reading
reading = kpis.reading
# Whether its rows are still being read aside: its answer is asked for last (``_answers``).
waiting = kpis.waiting


def open_hours(fy: FiscalYear) -> dict:
    """{room_id: opening hours in the year}."""
    return kpis.open_hours(fy)


def rooms(fy: FiscalYear) -> list[dict]:
    """Each room's bookings, booked hours, users and utilisation (booked ÷ open hours) in ``fy``."""
    return kpis.rooms(fy, opening=open_hours(fy))


def breakdown_labels() -> dict[str, dict[str, str]]:
    return {}
