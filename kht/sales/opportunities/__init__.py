"""Sales opportunities."""
