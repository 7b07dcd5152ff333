"""Hook implementations of the Membership pack (会员制): only wiring, no business rules."""

from __future__ import annotations

from kht.plugin_api import PluginInfo, hookimpl

NAME = "membership"


@hookimpl
def kht_register_plugin() -> PluginInfo:
    return PluginInfo(name=NAME, label_zh="会员制", label_en="Membership", version="0.1.0")
