"""The merge module's hook implementations."""
