"""Signed webhooks: subscriptions per event type, delivered by the worker through an outbox."""
