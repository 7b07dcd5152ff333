"""Finding records that look like a lead: same normalised name, phone number or email.

Names, phone numbers and emails compare as kht.normalise has it (the same rules as the
duplicate finder before a merge and an import's natural keys). The database narrows the
candidates (prefix/suffix/equality matches), Python confirms them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import false, func, or_

from kht import record_service as records
from kht.contacts.models import Contact
from kht.context import Ctx
from kht.customers.models import Customer
from kht.leads.models import Lead
from kht.leads.schemas import DuplicateOut
from kht.normalise import (
    name_sql,
    normalise_email,
    normalise_name,
    parse_phone,
    phone_digits_sql,
    phone_key,
)
from kht.records import record_kinds

CANDIDATES = 50  # per kind: enough to show, few enough to check in Python


@dataclass(frozen=True)
class Target:
    """Where to look: a record kind and its name, phone and email columns."""

    kind: str
    model: Any
    names: tuple[str, ...]
    phones: tuple[str, ...]
    email: str


TARGETS = (
    Target("lead", Lead, ("name", "company"), ("phone",), "email"),
    Target("customer", Customer, ("name",), ("phone",), "email"),
    Target("contact", Contact, ("name",), ("phone", "mobile"), "email"),
)


@dataclass(frozen=True)
class Probe:
    """The normalised keys of the record being checked."""

    names: frozenset[str]
    phone: tuple[str, str] | None
    email: str


def probe_of(lead: Lead) -> Probe:
    names = frozenset(k for k in (normalise_name(lead.name), normalise_name(lead.company)) if k)
    return Probe(names=names, phone=parse_phone(lead.phone), email=normalise_email(lead.email))


def _candidates(target: Target, probe: Probe) -> Any:
    model = target.model
    conditions = []
    for key in probe.names:
        for name in target.names:
            conditions.append(name_sql(getattr(model, name)).startswith(key, autoescape=True))
    if probe.phone:
        for phone in target.phones:
            conditions.append(phone_digits_sql(getattr(model, phone)).endswith(probe.phone[1]))
    if probe.email:
        conditions.append(func.lower(getattr(model, target.email)) == probe.email)
    return or_(*conditions) if conditions else false()


def _reasons(target: Target, record: Any, probe: Probe) -> list[str]:
    why = []
    if any(normalise_name(getattr(record, n)) in probe.names for n in target.names):
        why.append("name")
    if probe.phone and any(phone_key(getattr(record, p)) == probe.phone[0] for p in target.phones):
        why.append("phone")
    if probe.email and normalise_email(getattr(record, target.email)) == probe.email:
        why.append("email")
    return why


def _label(target: Target, record: Any) -> str:
    if target.kind == "lead" and record.company:
        return f"{record.name} ({record.company})"
    return record.name


def find_duplicates(ctx: Ctx, lead: Lead) -> list[DuplicateOut]:
    """Leads, customers and contacts in the caller's scope that look like `lead`, and why."""
    probe = probe_of(lead)
    kinds = record_kinds(ctx)
    found: list[DuplicateOut] = []
    for target in TARGETS:
        if target.kind not in kinds:
            continue
        query = records.visible(ctx, kinds[target.kind]).where(_candidates(target, probe))
        if target.kind == "lead":
            query = query.where(Lead.id != lead.id)
        for record in ctx.session.scalars(query.order_by(target.model.id).limit(CANDIDATES)):
            why = _reasons(target, record, probe)
            if why:
                found.append(
                    DuplicateOut(
                        kind=target.kind, id=record.id, name=_label(target, record), why=why
                    )
                )
    return found
