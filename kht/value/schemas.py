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
