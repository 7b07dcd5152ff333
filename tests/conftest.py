"""Shared fixtures: the kht.testing plugin gives databases and apps; these add test users
and real mail servers (tests/mailservers.py)."""

from __future__ import annotations

from tests.mailservers import dovecot, smtp  # noqa: F401  (fixtures)

EXT_PLUGIN = "tests.ext_plugin.plugin"
BROKEN_PLUGIN = "tests.broken_plugin"
NEEDS_EXT_PLUGIN = "tests.needs_ext_plugin"
