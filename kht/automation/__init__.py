"""Automation: rules that turn events and dates into tasks, notifications and field changes."""
