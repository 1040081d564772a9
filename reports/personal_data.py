"""The reports app holds no personal data: its notes are the office's (see
core/personal_data.py)."""

from core.personal_data import exempt

exempt("reports.KpiTarget", "note", why="the office's note on a target")
exempt("reports.ManualFigure", "note", why="the office's note on a figure")
