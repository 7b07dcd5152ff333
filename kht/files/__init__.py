"""Files attached to records."""
