"""Hook implementations of the Project sales pack (项目型销售): only wiring, no business rules."""

from __future__ import annotations

from kht.plugin_api import PluginInfo, hookimpl

NAME = "project_sales"


@hookimpl
def kht_register_plugin() -> PluginInfo:
    return PluginInfo(name=NAME, label_zh="项目型销售", label_en="Project sales", version="0.1.0")
