"""Automation tables: the rules, and one run per (rule, record, occurrence)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kht.db.base import Base, IdMixin, JSONType, TimestampMixin, VersionMixin, utcnow


class Rule(IdMixin, TimestampMixin, VersionMixin, Base):
    """Trigger -> conditions -> actions on records of one kind.

    `trigger` is `{"type": key, "params": {...}}`, `conditions` a list of `field:op:value`
    list filters, `actions` a list of `{"type": key, "params": {...}}`. Runs act as the
    administrator who last saved the rule (`updated_by_id`). `turn` is the round-robin
    position of its "assign owner" action.
    """

    __tablename__ = "automation_rules"

    name: Mapped[str] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(60))
    enabled: Mapped[bool] = mapped_column(default=True)
    trigger: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    conditions: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    actions: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    timed: Mapped[bool] = mapped_column(default=False, index=True)
    turn: Mapped[int] = mapped_column(Integer, default=0)
    # "care" for a care strategy (客户关怀) made on the care page; "" for a plain rule.
    purpose: Mapped[str] = mapped_column(String(20), default="")


# Run states: waiting to run (or to retry), done, failed after its last try, skipped (the
# chain limit, a record gone, conditions no longer met).
PENDING, DONE, FAILED, SKIPPED = "pending", "done", "failed", "skipped"


class Run(IdMixin, Base):
    """One firing of a rule for one record and occurrence; the unique key is the guarantee
    that each (rule, record, occurrence) runs once, whoever evaluates it and how often."""

    __tablename__ = "automation_runs"
    __table_args__ = (
        UniqueConstraint("rule_id", "kind", "record_id", "occurrence", name="uq_automation_run"),
        Index("ix_automation_runs_due", "status", "next_attempt_at"),
        Index("ix_automation_runs_record", "kind", "record_id"),
    )

    rule_id: Mapped[int] = mapped_column(ForeignKey("automation_rules.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(60))
    record_id: Mapped[int] = mapped_column(Integer)
    occurrence: Mapped[str] = mapped_column(String(100))
    # How many rules' runs led to this one (0: a user's change or the clock).
    depth: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(10), default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(nullable=True, default=None)
    # What fired it (the event, or the time trigger's moment), for the runs page.
    cause: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    # One note per action done, in order.
    done: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    error: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(nullable=True, default=None)
