"""A plugin with periodic tasks, for tests/jobs/test_periodic.py: one at 02:30 every night
(company time), one every minute that fails, and what each run did."""

from __future__ import annotations

from typing import Any

from kht.plugin_api import PeriodicTask, PluginInfo, hookimpl

RUNS: list[str] = []


def nightly(runtime: Any) -> str:
    RUNS.append("nightly")
    return "recalculated"


def broken(runtime: Any) -> None:
    RUNS.append("broken")
    raise RuntimeError("the carrier is down")


@hookimpl
def kht_register_plugin() -> PluginInfo:
    return PluginInfo(name="periodic_plugin", label_zh="定时示例", label_en="Periodic example")


@hookimpl
def kht_register_periodic_tasks() -> list[PeriodicTask]:
    return [
        PeriodicTask(key="periodic_plugin.nightly", cron="30 2 * * *", run=nightly),
        PeriodicTask(key="periodic_plugin.broken", cron="* * * * *", run=broken),
    ]
