"""Shared fixtures: the kht.testing plugin gives databases and apps; these add test users."""

from __future__ import annotations

EXT_PLUGIN = "tests.ext_plugin.plugin"
BROKEN_PLUGIN = "tests.broken_plugin"
NEEDS_EXT_PLUGIN = "tests.needs_ext_plugin"
