"""Contacts: people at customers, with role, influence and attitude."""
