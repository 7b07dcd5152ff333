"""Outgoing mail: an outbox written with the change that causes it, sent after the commit."""
