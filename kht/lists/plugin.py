"""The lists module's hook implementations."""
