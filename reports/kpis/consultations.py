"""Consultations with citizen groups (相談対応), with their split by channel and by category.

Computed by the groups app (``groups.kpis``), which keeps the consultation log.
"""

from __future__ import annotations

from groups import kpis

KEYS = kpis.CONSULTATION_KEYS
yearly = kpis.consultations_yearly
monthly = kpis.consultations_monthly
breakdown_labels = kpis.consultation_labels
