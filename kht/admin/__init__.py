"""The administration home (/admin) and the plugins page."""
