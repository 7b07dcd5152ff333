"""Dashboards: each user's grid of report, KPI and short-list widgets, and role defaults."""
