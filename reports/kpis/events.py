"""Events: exchange meetings and their participants, all events, survey responses.

Computed by the events app (``events.kpis``).
"""

from __future__ import annotations

from events import kpis

KEYS = kpis.KEYS
yearly = kpis.yearly
monthly = kpis.monthly


def breakdown_labels() -> dict[str, dict[str, str]]:
    return {}
