"""The search module's hook implementations."""
