"""Competitors: a shared record kind, linked to the opportunities they compete for."""
