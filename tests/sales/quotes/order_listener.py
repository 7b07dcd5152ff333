"""A tiny plugin for the tests: it remembers every OrderPlaced event it is told about."""

from kht.events import OrderPlaced
from kht.plugin_api import PluginInfo, hookimpl

SEEN: list[OrderPlaced] = []


@hookimpl
def kht_register_plugin() -> PluginInfo:
    return PluginInfo(name="order_listener", label_zh="订单监听", label_en="Order listener")


@hookimpl
def kht_on_event(ctx, event) -> None:
    if isinstance(event, OrderPlaced):
        SEEN.append(event)
