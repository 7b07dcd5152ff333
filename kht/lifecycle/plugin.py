"""The lifecycle module's hook implementations."""
