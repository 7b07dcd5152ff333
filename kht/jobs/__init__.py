"""Background jobs (imports, exports, reclaim runs) with progress the UI and CLI can show."""
