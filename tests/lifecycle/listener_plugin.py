"""A test plugin that writes down every StageChanged event it receives, and moves customers
on its own events through the public lifecycle service."""

from __future__ import annotations

from typing import Any

from kht.events import RecordUpdated, StageChanged
from kht.hookspecs import hookimpl
from kht.plugin_types import PluginInfo

SEEN: list[StageChanged] = []


@hookimpl
def kht_register_plugin() -> PluginInfo:
    return PluginInfo(name="stage_listener", label_zh="阶段监听", label_en="Stage listener")


@hookimpl
def kht_on_event(ctx: Any, event: Any) -> None:
    if isinstance(event, StageChanged):
        SEEN.append(event)
    # "signed" customers who get a notes update saying "go live" become active users.
    if isinstance(event, RecordUpdated) and event.kind == "customer":
        if event.changes.get("notes", [None, None])[1] == "go live":
            from kht.lifecycle.service import change_stage

            change_stage(ctx, "customer", event.record_id, "active", "went live (plugin)")
