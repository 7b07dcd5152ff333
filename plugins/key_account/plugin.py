"""Hook implementations of the Key account pack (大客户): only wiring, no business rules."""

from __future__ import annotations

from kht.plugin_api import PluginInfo, hookimpl

NAME = "key_account"


@hookimpl
def kht_register_plugin() -> PluginInfo:
    return PluginInfo(name=NAME, label_zh="大客户", label_en="Key account", version="0.1.0")
