"""Sales quotas."""
