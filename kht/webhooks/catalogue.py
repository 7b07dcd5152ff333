"""The event types a subscription can pick, and the JSON body a delivery carries."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

import msgspec

from kht.context import Ctx
from kht.errors import KhtError
from kht.events import (
    ActionLogged,
    Event,
    LeadConverted,
    OrderPlaced,
    RecordCreated,
    RecordDeleted,
    RecordRestored,
    RecordsMerged,
    RecordUpdated,
    StageChanged,
)
from kht.value.schemas import ScoreComputed
from kht.web.i18n import N_

EventType = Literal[
    "record.created",
    "record.updated",
    "record.deleted",
    "record.restored",
    "stage.changed",
    "action.logged",
    "lead.converted",
    "order.placed",
    "records.merged",
    "score.computed",
]
# Event type -> (the lifecycle event it forwards, its label). Keys are forever: receivers
# dispatch on them.
EVENT_TYPES: dict[str, tuple[type[Event], str]] = {
    "record.created": (RecordCreated, N_("Record created")),
    "record.updated": (RecordUpdated, N_("Record updated")),
    "record.deleted": (RecordDeleted, N_("Record deleted")),
    "record.restored": (RecordRestored, N_("Record restored")),
    "stage.changed": (StageChanged, N_("Stage changed")),
    "action.logged": (ActionLogged, N_("Action logged")),
    "lead.converted": (LeadConverted, N_("Lead converted")),
    "order.placed": (OrderPlaced, N_("Order placed")),
    "records.merged": (RecordsMerged, N_("Records merged")),
    "score.computed": (ScoreComputed, N_("Score computed")),
}
TEST_TYPE = "webhook.test"
_BY_CLASS = {event: key for key, (event, _) in EVENT_TYPES.items()}


def type_of(event: Event) -> str | None:
    """The event type key of a lifecycle event (None for events webhooks do not forward)."""
    return _BY_CLASS.get(type(event))


def record_as_api(ctx: Ctx, kind: str, record_id: int) -> Any:
    """The record as `GET /api/v1/<plural>/{id}` answers it (recycle bin included), or None
    when it is gone or its kind has no API."""
    from kht.records import record_kinds
    from kht.records.api import has_api, one_out

    spec = record_kinds(ctx).get(kind)
    if spec is None or not has_api(spec):
        return None
    record = ctx.session.get(spec.model, record_id)
    if record is None:
        return None
    try:
        return one_out(ctx, spec, record)
    except KhtError:  # a kind whose answer needs a right the acting user lacks
        return None


def body(event_type: str, data: Any, now: datetime) -> str:
    """The JSON body of a message, as Standard Webhooks suggests: its type, when it happened
    and its data."""
    message = {"type": event_type, "timestamp": now, "data": data}
    return msgspec.json.encode(message, enc_hook=str).decode()


def event_data(ctx: Ctx, event: Event) -> dict[str, Any]:
    """A lifecycle event's data: its fields (`type` names its Struct) and the record."""
    return {
        "kind": event.kind,
        "record_id": event.record_id,
        "event": msgspec.to_builtins(event, enc_hook=str),
        "record": record_as_api(ctx, event.kind, event.record_id),
    }
