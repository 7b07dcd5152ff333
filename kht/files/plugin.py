"""The files module's hook implementations."""
