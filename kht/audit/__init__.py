"""The audit log: who changed which field of which record, when, from what to what."""
