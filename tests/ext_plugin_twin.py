"""A second plugin claiming the name `ext_plugin`: discovery must refuse both."""

from kht.plugin_api import PluginInfo, hookimpl


@hookimpl
def kht_register_plugin() -> PluginInfo:
    return PluginInfo(name="ext_plugin", label_zh="重名", label_en="Twin")
