"""Scheduled delivery: reports and dashboards mailed daily, weekly or monthly, each recipient
getting their own data."""
