"""A plugin that fails at import time: the app must report it and start without it."""

raise ImportError("this plugin is broken on purpose")
