"""A test plugin contributing a process whose first stage needs the plugin's own field."""

from __future__ import annotations

from kht.plugin_api import FieldDef, PluginInfo, ProcessDef, StageDef, hookimpl

NAME = "gate_plugin"


@hookimpl
def kht_register_plugin() -> PluginInfo:
    return PluginInfo(name=NAME, label_zh="关卡", label_en="Gates")


@hookimpl
def kht_register_fields(kind: str) -> list[FieldDef] | None:
    if kind != "opportunity":
        return None
    return [FieldDef(name="budget_owner", type="text", label_zh="预算人", label_en="Budget owner")]


@hookimpl
def kht_register_processes() -> list[ProcessDef]:
    return [
        ProcessDef(
            key="gated",
            name_zh="有关卡的流程",
            name_en="Gated process",
            stages=(
                StageDef(
                    key="find",
                    name_zh="发现",
                    name_en="Find",
                    probability=10,
                    required_fields=(f"{NAME}.budget_owner",),
                ),
                StageDef(key="offer", name_zh="报价", name_en="Offer", probability=60),
                StageDef(key="won", name_zh="赢单", name_en="Won", probability=100, outcome="won"),
                StageDef(key="lost", name_zh="输单", name_en="Lost", outcome="lost"),
            ),
        )
    ]
