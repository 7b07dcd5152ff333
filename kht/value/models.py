"""Stored scores of value models: one row per record and model, replaced on each computation."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kht.db.base import Base, IdMixin, JSONType, utcnow


class ValueScore(IdMixin, Base):
    """The latest score of `model_key` for one record, with the parts that explain it."""

    __tablename__ = "value_scores"
    __table_args__ = (
        UniqueConstraint("kind", "record_id", "model_key", name="uq_value_scores_record_model"),
    )

    kind: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[int] = mapped_column(Integer)
    model_key: Mapped[str] = mapped_column(String(100))
    score: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    parts: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)


class CustomerValue(Base):
    """A customer's three values (kht.value.customer), recomputed from orders, payments and
    open opportunities: established (revenue to date), potential (weighted open pipeline
    plus the gap to the wallet estimated for its category) and model (the average
    established value of similar customers, `peer_key` naming the class)."""

    __tablename__ = "customer_values"

    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True
    )
    # Established value: the totals of the customer's orders (not cancelled), what of it
    # has been received, and how many orders.
    established: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    received: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    orders: Mapped[int] = mapped_column(Integer, default=0)
    # Potential value: the open pipeline, weighted by its stages' probabilities, plus the
    # gap between the category's estimated wallet and what is won or weighted already.
    pipeline: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    weighted: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    wallet: Mapped[Decimal | None] = mapped_column(nullable=True, default=None)
    wallet_gap: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    potential: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    # The class of similar customers (category and the similarity fields) whose average
    # established value is the model value (read through CustomerValuePeers).
    peer_key: Mapped[str] = mapped_column(String(500), default="", index=True)
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)


class CustomerValuePeers(Base):
    """One class of similar customers: how many and their established value in all, kept in
    step with `customer_values` by adding each change's difference, so a customer's model
    value, `(established_total - own) / (customers - 1)`, costs one row to read however
    large the class is."""

    __tablename__ = "customer_value_peers"

    peer_key: Mapped[str] = mapped_column(String(500), primary_key=True)
    customers: Mapped[int] = mapped_column(Integer, default=0)
    established_total: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
