"""Hook implementations of the Standard product pack (标准产品): only wiring, no business rules."""

from __future__ import annotations

from kht.plugin_api import PluginInfo, hookimpl

NAME = "standard_product"


@hookimpl
def kht_register_plugin() -> PluginInfo:
    return PluginInfo(name=NAME, label_zh="标准产品", label_en="Standard product", version="0.1.0")
