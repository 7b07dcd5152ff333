"""Global search over customers, contacts and leads (Chinese substrings and English words)."""
