"""A test plugin with two value models, built only on public hooks and services.

`value_probe.activity` scores leads: 10 points per done action plus 5 for an email address.
`value_probe.size` scores customers by the length of their name (a stand-in for a real model).
`BROKEN` makes the lead model return an impossible total.
"""

from __future__ import annotations

from typing import Any

from kht.plugin_api import PluginInfo, hookimpl
from kht.plugin_types import Score, ScorePart, ValueModel
from kht.value.schemas import ScoreComputed
from kht.value.service import actions_of

NAME = "value_probe"
BROKEN = {"on": False}
SEEN: list[ScoreComputed] = []


def activity(ctx: Any, lead: Any) -> Score:
    if BROKEN["on"]:
        return Score(total=150)
    done = len(actions_of(ctx, "lead", lead.id))
    email = 5 if lead.email else 0
    return Score(
        total=min(100, 10 * done + email),
        parts=(
            ("行动", "Actions", 10 * done, f"{done} done actions"),
            ScorePart(label_zh="邮箱", label_en="Email", points=email, explanation="有邮箱"),
        ),
    )


def size(ctx: Any, customer: Any) -> Score:
    return Score(total=len(customer.name), parts=(("名称", "Name", len(customer.name), ""),))


@hookimpl
def kht_register_plugin() -> PluginInfo:
    return PluginInfo(name=NAME, label_zh="评分探针", label_en="Value probe")


@hookimpl
def kht_register_value_models() -> list[ValueModel]:
    return [
        ValueModel(
            key="value_probe.activity",
            kind="lead",
            label_zh="活跃",
            label_en="Activity",
            compute=activity,
        ),
        ValueModel(
            key="value_probe.size", kind="customer", label_zh="规模", label_en="Size", compute=size
        ),
    ]


@hookimpl
def kht_on_event(ctx: Any, event: Any) -> None:
    if isinstance(event, ScoreComputed):
        SEEN.append(event)
