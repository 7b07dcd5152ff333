"""The tags module's hook implementations."""
