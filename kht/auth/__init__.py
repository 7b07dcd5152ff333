"""Users, passwords, sessions and API tokens."""
