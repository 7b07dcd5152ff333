"""The actions module's hook implementations."""
