"""One settings store for the core's modules and the plugins (see service.py)."""
