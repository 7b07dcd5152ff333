"""Finding records that look like a lead: same normalised name, phone number or email.

Names are compared after trimming, case-folding, removing spaces and common company
suffixes (有限公司, Ltd., Inc., ...); phone numbers as national numbers (a Chinese number
with or without +86 or separators is the same number); emails case-insensitively. The
database narrows the candidates (prefix/suffix/equality matches), Python confirms them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import phonenumbers
from sqlalchemy import false, func, or_

from kht import record_service as records
from kht.contacts.models import Contact
from kht.context import Ctx
from kht.customers.models import Customer
from kht.leads.models import Lead
from kht.leads.schemas import DuplicateOut
from kht.records import record_kinds

# Longest first, so 股份有限公司 goes before 有限公司.
CJK_SUFFIXES = ("股份有限公司", "有限责任公司", "有限公司")
LATIN_SUFFIXES = frozenset(
    {"ltd", "limited", "inc", "co", "corp", "corporation", "llc", "plc", "gmbh"}
)
_LAST_WORD = re.compile(r"[\s.,，]+([a-z]+)$")  # a Latin word after a separator
_SPACES = re.compile(r"\s+")
_TRAILING = " \t.,，。、;；"
_SEPARATORS = (" ", "-", "(", ")", ".", "/")
CANDIDATES = 50  # per kind: enough to show, few enough to check in Python


def _without_suffix(text: str) -> str:
    for suffix in CJK_SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            return text[: -len(suffix)]
    last = _LAST_WORD.search(text)
    if last and last.group(1) in LATIN_SUFFIXES:
        return text[: last.start()]
    return text


def normalise_name(name: str | None) -> str:
    """`上海华东电器 有限公司` → `上海华东电器`, `Acme Co., Ltd.` → `acme`.

    Latin suffixes count only as separate words (`Cisco` keeps its `co`).
    """
    text = (name or "").casefold().strip()
    while True:
        trimmed = text.rstrip(_TRAILING)
        text = _without_suffix(trimmed)
        if text == trimmed:
            break
    return _SPACES.sub("", text)


def parse_phone(raw: str | None) -> tuple[str, str] | None:
    """(comparison key, national digits) of a phone number, or None when too short.

    Chinese numbers compare by national number (+86 and separators dropped); other
    countries' numbers keep their country code in the key.
    """
    digits = re.sub(r"\D", "", raw or "")
    if len(digits) < 5:
        return None
    try:
        number = phonenumbers.parse(raw or "", "CN")
    except phonenumbers.NumberParseException:
        return digits, digits
    national = str(number.national_number)
    if number.country_code == 86:
        return national, national
    return f"+{number.country_code}{national}", national


def phone_key(raw: str | None) -> str | None:
    """The comparison key of a phone number (None when there is no usable number)."""
    parsed = parse_phone(raw)
    return parsed[0] if parsed else None


def is_mobile(raw: str | None) -> bool:
    """Whether a number is a mobile one (where the numbering plan tells)."""
    try:
        number = phonenumbers.parse(raw or "", "CN")
    except phonenumbers.NumberParseException:
        return False
    kinds = (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)
    return phonenumbers.number_type(number) in kinds


def normalise_email(email: str | None) -> str:
    return (email or "").strip().lower()


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


def _digits_only(column: Any) -> Any:
    for separator in _SEPARATORS:
        column = func.replace(column, separator, "")
    return column


def _candidates(target: Target, probe: Probe) -> Any:
    model = target.model
    conditions = []
    for key in probe.names:
        for name in target.names:
            squeezed = func.replace(func.lower(getattr(model, name)), " ", "")
            conditions.append(squeezed.startswith(key, autoescape=True))
    if probe.phone:
        for phone in target.phones:
            conditions.append(_digits_only(getattr(model, phone)).endswith(probe.phone[1]))
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
