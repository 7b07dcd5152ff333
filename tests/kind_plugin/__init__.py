"""A test plugin that declares a record kind of its own (see plugin.py and the README)."""
