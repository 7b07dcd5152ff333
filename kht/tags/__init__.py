"""Tags on any kind of record."""
