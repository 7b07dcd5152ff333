"""The triggers and actions rules can use: the core's and every plugin's, by key.

Everything comes through `kht_register_automation` (the core's own in
kht/automation/builtin.py, a plugin's next to its other hooks), so a pack's care rule and
the core's rules are the same kind of thing.
"""

from __future__ import annotations

from typing import Any

import msgspec

from kht.context import Ctx
from kht.errors import PluginError, ValidationError
from kht.plugin_types import AutomationAction, AutomationTrigger


class Registry(msgspec.Struct, frozen=True, kw_only=True):
    triggers: dict[str, AutomationTrigger]
    actions: dict[str, AutomationAction]


_BUILT: dict[int, tuple[Any, Registry]] = {}


def registry(ctx: Ctx) -> Registry:
    """Every trigger and action the enabled plugins contribute; a key given twice is an
    error naming it. Kept per plugin manager (its contributions do not change)."""
    pm = ctx.plugins.pm
    kept = _BUILT.get(id(pm))
    if kept is not None and kept[0] is pm:
        return kept[1]
    triggers: dict[str, AutomationTrigger] = {}
    actions: dict[str, AutomationAction] = {}
    for batch in ctx.hook.kht_register_automation():
        for item in batch or []:
            target: dict[str, Any] = triggers if isinstance(item, AutomationTrigger) else actions
            if not isinstance(item, AutomationTrigger | AutomationAction):
                raise PluginError(f"kht_register_automation returned {item!r}")
            if item.key in target:
                raise PluginError(f"automation key {item.key!r} is contributed twice")
            target[item.key] = item
    addressable = tuple(sorted(_addressable(ctx)))
    for key, item in actions.items():
        if item.addressed and item.kinds:
            actions[key] = msgspec.structs.replace(item, kinds=(*item.kinds, *addressable))
    built = Registry(triggers=triggers, actions=actions)
    _BUILT[id(pm)] = (pm, built)
    return built


def _addressable(ctx: Ctx) -> list[str]:
    """The kinds whose mail and SMS go to another record (`RecordKind.message_to`)."""
    from kht.records import record_kinds

    return [kind for kind, spec in record_kinds(ctx).items() if spec.message_to is not None]


def params_of(schema: Any, raw: Any, field: str) -> Any:
    """`raw` (a dict) as the `schema` Struct; a bad value is a 422 naming `field.<name>`."""
    if schema is None:
        return None
    try:
        return msgspec.convert(raw or {}, schema, strict=False)
    except msgspec.ValidationError as exc:
        name = field_of(exc)
        raise ValidationError(str(exc), f"{field}.{name}" if name else field) from None


def field_of(exc: msgspec.ValidationError) -> str:
    """The top-level field a msgspec error names ("… - at `$.days`", "missing required
    field `subject`"), or ""."""
    message = str(exc)
    path = message.rpartition("at `$")[2].rstrip("`").lstrip(".") if "at `$" in message else ""
    if not path and "required field `" in message:
        path = message.split("required field `", 1)[1].split("`", 1)[0]
    return path.split("[")[0].split(".")[0]


def params_out(params: Any) -> dict[str, Any]:
    return msgspec.to_builtins(params) if params is not None else {}
