"""Sales analysis."""
