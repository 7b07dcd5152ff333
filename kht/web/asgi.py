"""ASGI entry for several server workers: each builds its app from the environment."""

from __future__ import annotations

from kht.config import load_settings
from kht.web.live import LiveApp


def build() -> LiveApp:
    """The app for `uvicorn --factory kht.web.asgi:build` (it follows plugin changes)."""
    return LiveApp(load_settings())
