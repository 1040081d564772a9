"""Collaboration (協働, issue #18 part 6): proposals received (by kind) and adopted, projects
running and completed, partners involved, introductions made, consultations referred.

Computed by the collaboration app (``collaboration.kpis``).
"""

from __future__ import annotations

from collaboration import kpis

KEYS = kpis.KEYS
yearly = kpis.yearly
monthly = kpis.monthly
breakdown_labels = kpis.breakdown_labels
