"""A test plugin that records every LeadConverted event it hears, as a sales plugin would."""

from __future__ import annotations

from typing import Any

from kht.events import LeadConverted
from kht.leads.models import Lead
from kht.plugin_api import PluginInfo, hookimpl

NAME = "lead_listener"
# (event, whether ctx.extra asked for an opportunity): read by the tests, cleared by them.
HEARD: list[tuple[LeadConverted, bool]] = []


@hookimpl
def kht_register_plugin() -> PluginInfo:
    return PluginInfo(name=NAME, label_zh="线索转化监听", label_en="Lead conversion listener")


@hookimpl
def kht_on_event(ctx: Any, event: Any) -> None:
    if not isinstance(event, LeadConverted):
        return
    HEARD.append((event, bool(ctx.extra.get("create_opportunity"))))
    if ctx.session.get(Lead, event.record_id).name == "explode":
        raise RuntimeError("a failing listener rolls the whole conversion back")
