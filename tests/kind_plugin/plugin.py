"""helpdesk: a plugin that keeps tickets in its own table, declared as a record kind.

The declaration is all it writes: the core gives the kind its JSON API
(`/api/v1/helpdesk-tickets`: list with filters, search and saved views, create, get, update
with version checks, delete, restore, columns, bulk), its pages (`/helpdesk-tickets`: the
list, the form, the record page with its history), its import and export, audit history,
tags, hand-over and the data scope. Everything it imports comes from `kht.plugin_api`.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Literal

import msgspec
from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kht.plugin_api import (
    Base,
    BusinessRecord,
    Choice,
    ExtensibleMixin,
    FieldDef,
    Permission,
    PluginInfo,
    RecordKind,
    RecordPages,
    hookimpl,
)

NAME = "helpdesk"
Status = Literal["open", "waiting", "closed"]
Subject = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class Ticket(BusinessRecord, ExtensibleMixin, Base):
    """A customer's question or problem, owned by the rep who handles it."""

    __tablename__ = "helpdesk_tickets"

    subject: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default="open")
    notes: Mapped[str] = mapped_column(Text, default="")


class HelpdeskTicketCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    subject: Subject
    status: Status = "open"
    notes: str = ""
    ext: dict[str, dict[str, Any]] = {}


class HelpdeskTicketUpdate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    version: int
    subject: Subject | msgspec.UnsetType = msgspec.UNSET
    status: Status | msgspec.UnsetType = msgspec.UNSET
    notes: str | msgspec.UnsetType = msgspec.UNSET
    ext: dict[str, dict[str, Any]] | msgspec.UnsetType = msgspec.UNSET


class HelpdeskTicketOut(msgspec.Struct, kw_only=True):
    id: int
    subject: str
    status: str
    notes: str
    owner_id: int | None
    version: int
    ext: dict[str, dict[str, Any]]
    tags: list[str]
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None


TICKETS = RecordKind(
    kind="helpdesk_ticket",
    model=Ticket,
    module=NAME,
    label_zh="工单",
    label_en="Tickets",
    plural="helpdesk-tickets",
    fields=(
        FieldDef(
            name="subject",
            type="text",
            label_zh="主题",
            label_en="Subject",
            required=True,
            namespace="",
        ),
        FieldDef(
            name="status",
            type="single_choice",
            label_zh="状态",
            label_en="Status",
            choices=(
                Choice(key="open", label_zh="处理中", label_en="Open"),
                Choice(key="waiting", label_zh="等待客户", label_en="Waiting"),
                Choice(key="closed", label_zh="已关闭", label_en="Closed"),
            ),
            namespace="",
        ),
        FieldDef(name="notes", type="long_text", label_zh="备注", label_en="Notes", namespace=""),
    ),
    searchable=("subject", "notes"),
    create_schema=HelpdeskTicketCreate,
    update_schema=HelpdeskTicketUpdate,
    out_schema=HelpdeskTicketOut,
    # The list, form and record pages at /helpdesk-tickets, built from the fields above.
    pages=RecordPages(badge="status"),
)


@hookimpl
def kht_register_plugin() -> PluginInfo:
    return PluginInfo(
        name=NAME,
        label_zh="服务台",
        label_en="Helpdesk",
        migrations=Path(__file__).parent / "migrations",
    )


@hookimpl
def kht_register_models() -> list[type]:
    return [Ticket]


@hookimpl
def kht_register_record_kinds() -> list[RecordKind]:
    return [TICKETS]


@hookimpl
def kht_register_permissions() -> list[Permission]:
    # Sales reps handle the tickets of their department from the day the plugin is enabled.
    everything = ["view", "create", "edit", "delete", "assign", "import", "export"]
    return [
        Permission(
            module=NAME,
            label_zh="工单",
            label_en="Tickets",
            default_grants={"sales_rep": {"ops": everything, "scope": "department"}},
        )
    ]
