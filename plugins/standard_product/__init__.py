"""The Standard product industry pack (标准产品)."""
