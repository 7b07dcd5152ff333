"""The contacts module's hook implementations."""
