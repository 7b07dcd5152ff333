"""The sales processes module's hook implementations."""

from __future__ import annotations

from kht.hookspecs import hookimpl  # noqa: F401
