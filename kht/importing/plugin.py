"""The importing module's hook implementations."""
