"""Sales quotes."""
