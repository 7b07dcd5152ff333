"""A plugin that requires ext_plugin: enabling it enables ext_plugin first."""

from kht.plugin_api import PluginInfo, hookimpl


@hookimpl
def kht_register_plugin() -> PluginInfo:
    return PluginInfo(
        name="needs_ext", label_zh="依赖示例", label_en="Needs ext", requires=("ext_plugin",)
    )
