"""Lifecycle events: typed, serialisable Structs fired by services through `kht_on_event`.

Services fire them inside their transaction, so a plugin's writes in reaction commit or roll
back with the change that caused them. Keep them plain data: webhooks forward them unchanged.
"""

from __future__ import annotations

from typing import Any

import msgspec


class Event(msgspec.Struct, kw_only=True, frozen=True, tag_field="type"):
    """Base of every event; `kind` is the record kind (`customer`, `lead`, ...)."""

    kind: str
    record_id: int
    user_id: int | None = None


class RecordCreated(Event, tag=True):
    """A record was created; `values` holds its stored fields."""

    values: dict[str, Any] = {}


class RecordUpdated(Event, tag=True):
    """A record changed; `changes` maps each changed field to [old, new]."""

    changes: dict[str, list[Any]] = {}


class RecordDeleted(Event, tag=True):
    """A record went to the recycle bin (or, with `hard`, was removed for good)."""

    hard: bool = False


class RecordRestored(Event, tag=True):
    """A record came back from the recycle bin."""


class StageChanged(Event, tag=True):
    """A record (`kind`, `record_id`) moved between lifecycle or process stages.

    `from_stage` and `to_stage` are stage keys (`from_stage` None for a record's first
    stage); `outcome` is where the move leaves a record of a sales process (`open`, `won` or
    `lost`) and empty for lifecycle stages, which have none; `cause` is why (a lost reason,
    "reopen", "order placed", ...). A listener needs no re-read of the record to react.
    """

    from_stage: str | None = None
    to_stage: str = ""
    outcome: str = ""
    cause: str = ""


class ActionLogged(Event, tag=True):
    """An action (call, visit, meeting, ...) was logged against the record."""

    action_id: int = 0
    action_type: str = ""


class LeadConverted(Event, tag=True):
    """A lead became a customer (and contact, and perhaps an opportunity)."""

    customer_id: int = 0
    contact_id: int | None = None
    opportunity_id: int | None = None


class OrderPlaced(Event, tag=True):
    """An order was placed for a customer; `amount` is a decimal string."""

    customer_id: int = 0
    amount: str = "0"


class RecordsMerged(Event, tag=True):
    """Records were merged into `record_id`; `merged_ids` no longer exist."""

    merged_ids: tuple[int, ...] = ()


class MailReceived(Event, tag=True):
    """A shared mailbox (`account_id`) received a mail (`record_id`: the stored message, kind
    `mail`), once per mailbox and message, in the fetch's transaction."""

    account_id: int = 0


AnyEvent = (
    RecordCreated
    | RecordUpdated
    | RecordDeleted
    | RecordRestored
    | StageChanged
    | ActionLogged
    | LeadConverted
    | OrderPlaced
    | RecordsMerged
    | MailReceived
)
