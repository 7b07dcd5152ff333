"""Exporting lists to CSV and Excel, in scope, with formula injection neutralised."""
