"""Sales processes."""
