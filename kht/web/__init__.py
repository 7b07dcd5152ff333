"""Web layer: the app factory, the UI shell and the JSON API wiring."""

from kht.web.app import create_app

__all__ = ["create_app"]
