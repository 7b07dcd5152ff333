"""Sales orders."""
