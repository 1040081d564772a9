"""Registered groups: the register at year end, new registrations, withdrawals, net change.

Computed by the groups app (``groups.kpis``), which owns the register.
"""

from __future__ import annotations

from groups import kpis

KEYS = kpis.REGISTER_KEYS
yearly = kpis.register_yearly
monthly = kpis.register_monthly


def breakdown_labels() -> dict[str, dict[str, str]]:
    return {}
