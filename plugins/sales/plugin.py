"""Hook implementations of the sales pack (sales): only wiring, no business rules."""

from __future__ import annotations

from kht.plugin_api import PluginInfo, hookimpl

NAME = "sales"


@hookimpl
def kht_register_plugin() -> PluginInfo:
    return PluginInfo(name=NAME, label_zh="sales", label_en="sales", version="0.1.0")
