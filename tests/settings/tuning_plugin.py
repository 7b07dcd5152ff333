"""A plugin whose settings use every input the generated page draws: a bounded number, money,
a switch, a choice with labels, a list of keys, free lines, a value per key and a list of
records (edited as JSON)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

import msgspec

from kht.plugin_api import (
    N_,
    PluginInfo,
    SettingField,
    SettingsDef,
    ValidationError,
    hookimpl,
)

Percent = Annotated[int, msgspec.Meta(ge=0, le=100)]


class Step(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(min_length=1)]
    days: Annotated[int, msgspec.Meta(ge=1)] = 7


class Tuning(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    discount_pct: Percent = 10
    credit_limit: Decimal = Decimal("50000.00")  # msgspec bounds no Decimal: see _check
    notify: bool = True
    mode: Literal["strict", "relaxed"] = "strict"
    grades: list[Literal["A", "B", "C"]] = msgspec.field(default_factory=lambda: ["A"])
    greetings: list[str] = msgspec.field(default_factory=lambda: ["您好"])
    visits: dict[str, Annotated[int, msgspec.Meta(ge=0, le=31)]] = msgspec.field(
        default_factory=lambda: {"A": 4}
    )
    steps: list[Step] = []


def _check(ctx: Any, value: Tuning) -> None:
    if not value.credit_limit.is_finite() or value.credit_limit < 0:
        raise ValidationError("the credit limit is an amount from 0", "credit_limit")
    if value.mode == "relaxed" and value.discount_pct > 50:
        raise ValidationError("a relaxed mode allows at most 50%", "discount_pct")


GRADES = (("A", N_("Grade A")), ("B", N_("Grade B")), ("C", N_("Grade C")))
SETTINGS = SettingsDef(
    owner="tuning",
    schema=Tuning,
    label_zh="调校参数",
    label_en="Tuning",
    modules=("customers",),
    check=_check,
    fields={
        "discount_pct": SettingField(label=N_("Discount"), help=N_("Percent")),
        "credit_limit": SettingField(label=N_("Credit limit")),
        "notify": SettingField(label=N_("Notify")),
        "mode": SettingField(
            label=N_("Mode"), choices=(("strict", N_("Strict")), ("relaxed", N_("Relaxed")))
        ),
        "grades": SettingField(label=N_("Grades"), choices=GRADES),
        "greetings": SettingField(label=N_("Greetings")),
        "visits": SettingField(label=N_("Visits"), keys=GRADES),
        "steps": SettingField(label=N_("Steps")),
    },
)


@hookimpl
def kht_register_plugin() -> PluginInfo:
    return PluginInfo(name="tuning", label_zh="调校", label_en="Tuning")


@hookimpl
def kht_register_settings() -> list[SettingsDef]:
    return [SETTINGS]
