"""Value-score API types, and the event fired after a score is computed."""

from __future__ import annotations

from datetime import datetime

import msgspec

from kht.events import Event


class ScoreComputed(Event, tag=True):
    """A value model scored a record. `score` and `previous` are decimal strings
    (`previous` None the first time). Plugins react to it (nurturing, routing) through
    `kht_on_event`, inside the transaction of the change that caused the scoring."""

    model_key: str = ""
    score: str = "0"
    previous: str | None = None


class ScorePartOut(msgspec.Struct, kw_only=True):
    """One part of a score: its label, points (decimal string) and explanation."""

    label_zh: str
    label_en: str
    points: str
    explanation: str = ""
    explanation_en: str = ""


class ScoreOut(msgspec.Struct, kw_only=True):
    """A stored score of one value model for one record."""

    kind: str
    record_id: int
    model_key: str
    label_zh: str
    label_en: str
    score: str
    parts: list[ScorePartOut]
    computed_at: datetime


class RecomputeOut(msgspec.Struct, kw_only=True):
    """How many records were scored."""

    kind: str
    scored: int


class CustomerValueOut(msgspec.Struct, kw_only=True):
    """A customer's three values with their parts (money as decimal strings).

    established = the totals of its orders (not cancelled), of which `received` is paid;
    potential = `weighted` (the open `pipeline` by its stages' probabilities) + `wallet_gap`
    (the category's `wallet` less what is bought or weighted, never below 0);
    model = the average established value of its `peers` (other customers of the same
    category and similarity fields, named in `peer_fields`), None without peers;
    hidden = model - established. `computed_at` None: not computed yet."""

    customer_id: int
    established: str
    received: str
    receivable: str
    orders: int
    potential: str
    pipeline: str
    weighted: str
    wallet: str | None
    wallet_gap: str
    model: str | None
    peers: int
    hidden: str | None
    peer_fields: list[str]
    computed_at: datetime | None


class PeerFieldsIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The customer list fields that, with the category, make customers similar."""

    peer_fields: list[str]


class PeerFieldsOut(msgspec.Struct, kw_only=True):
    """The similarity fields, and how many customers were recomputed."""

    peer_fields: list[str]
    customers: int = 0
