"""The Key account industry pack (大客户)."""
