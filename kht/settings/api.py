"""GET/PUT /api/v1/settings/{owner}: any declared settings, thin over the settings service."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, get, put
from litestar.params import FromPath, JSONBody

from kht.context import RequestCtx
from kht.settings import service
from kht.settings.schemas import SettingsIn, SettingsOut


def settings_out(owner: str, value: Any, version: int) -> SettingsOut:
    return SettingsOut(owner=owner, version=version, settings=msgspec.to_builtins(value))


class SettingsController(Controller):
    """Settings of the core's modules and the plugins (those who may change them only)."""

    path = "/api/v1/settings"
    tags = ["settings"]

    @get("/{owner:str}", sync_to_thread=True)
    def read(self, ctx: RequestCtx, owner: FromPath[str]) -> SettingsOut:
        """The owner's settings and their version (0 until the first save)."""
        return settings_out(owner, *service.read_settings(ctx, owner))

    @put("/{owner:str}", sync_to_thread=True)
    def save(
        self, ctx: RequestCtx, owner: FromPath[str], data: JSONBody[SettingsIn]
    ) -> SettingsOut:
        """Replace the settings: send the version read (a stale one is a 409); a bad value is
        a 422 naming its field."""
        value, version = service.save_settings(ctx, owner, data.settings, data.version)
        return settings_out(owner, value, version)


ROUTES = [SettingsController]
