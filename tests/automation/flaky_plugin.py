"""A test plugin contributing automation actions through `kht_register_automation`: one that
always fails (retries, then failed) and one that stops the process mid-run once (a worker
killed between two actions)."""

from __future__ import annotations

from typing import Any

import msgspec

from kht.plugin_api import AutomationAction, PluginInfo, hookimpl

NAME = "flaky"
# Set by a test: the next "halt" action raises SystemExit (the worker dies), then clears.
HALT = {"armed": False}


class ExplodeParams(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    message: str = "the server is down"


def explode(ctx: Any, spec: Any, record: Any, params: ExplodeParams, run: Any) -> str:
    raise RuntimeError(params.message)


def halt(ctx: Any, spec: Any, record: Any, params: Any, run: Any) -> str:
    if HALT["armed"]:
        HALT["armed"] = False
        raise SystemExit("worker stopped")
    return "went on"


@hookimpl
def kht_register_plugin() -> PluginInfo:
    return PluginInfo(name=NAME, label_zh="不稳定", label_en="Flaky")


@hookimpl
def kht_register_automation() -> list[Any]:
    return [
        AutomationAction(
            key="flaky.explode",
            label_zh="失败",
            label_en="Explode",
            params=ExplodeParams,
            run=explode,
        ),
        AutomationAction(key="flaky.halt", label_zh="中止", label_en="Halt", run=halt),
    ]
