"""The Promotion industry pack (推广管理)."""
