"""SMS: template messages through a carrier's gateway, an outbox, receipts and opt-outs."""
