"""The jobs module's hook implementations."""
