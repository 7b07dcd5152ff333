"""ASGI entry for several server workers: each builds its app from the environment."""

from __future__ import annotations

from litestar import Litestar

from kht.config import load_settings
from kht.web.app import create_app


def build() -> Litestar:
    """The app for `uvicorn --factory kht.web.asgi:build`."""
    return create_app(load_settings())
