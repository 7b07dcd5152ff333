"""The product industry pack (product)."""
