"""The account industry pack (account)."""
