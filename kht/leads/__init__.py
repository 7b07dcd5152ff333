"""Leads: prospective customers to clean up, qualify and convert."""
