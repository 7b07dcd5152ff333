"""The leads module's hook implementations."""
