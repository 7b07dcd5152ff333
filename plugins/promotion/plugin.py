"""Hook implementations of the Promotion pack (推广管理): only wiring, no business rules."""

from __future__ import annotations

from kht.plugin_api import PluginInfo, hookimpl

NAME = "promotion"


@hookimpl
def kht_register_plugin() -> PluginInfo:
    return PluginInfo(name=NAME, label_zh="推广管理", label_en="Promotion", version="0.1.0")
