"""The exporting module's hook implementations."""
