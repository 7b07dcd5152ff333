"""The sales industry pack (sales)."""
