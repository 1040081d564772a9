"""Registered groups: the register at year end, new registrations, withdrawals, net change.

Computed by the groups app (``groups.kpis``), which owns the register.
"""

from __future__ import annotations

from groups import kpis

KEYS = kpis.REGISTER_KEYS
yearly = kpis.register_yearly
monthly = kpis.register_monthly
# A year's report reads the register once (``YearReport._reading``, the breakdowns).
Register = kpis.Register
reading = kpis.reading


def breakdown_labels() -> dict[str, dict[str, str]]:
    return {}
