"""The Project sales industry pack (项目型销售)."""
