"""The audit log viewer: every change of every record, filtered, for administrators."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import msgspec
from litestar import Request, get
from litestar.response import Template

from kht.actions.service import record_url
from kht.audit.service import LogFilter, search_log
from kht.auth.permissions import require
from kht.contacts.ui import ACTION_LABELS, COMMON_LABELS, ext_changes, people, shown, to_struct
from kht.context import RequestCtx
from kht.errors import ValidationError
from kht.exporting.labels import choice_labels
from kht.fields import fields_for
from kht.records import record_kinds
from kht.web.i18n import translations
from kht.web.pages import render

PAGE_SIZE = 50
Id = Annotated[int, msgspec.Meta(ge=1, le=2**31 - 1)]


class LogQuery(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The viewer's query string: filters and the page."""

    user: Id | None = None
    kind: Annotated[str, msgspec.Meta(max_length=40)] = ""
    record: Id | None = None
    since: date | None = None
    until: date | None = None
    page: Annotated[int, msgspec.Meta(ge=1, le=1_000_000)] = 1


def _query(request: Request, kinds: dict[str, Any]) -> LogQuery:
    """The filters asked for; a bad one is a 422 naming it."""
    raw = {key: value for key, value in request.query_params.items() if value.strip()}
    query = to_struct(raw, LogQuery, strict=False)
    if query.kind and query.kind not in kinds:
        raise ValidationError(f"kind must be one of {', '.join(sorted(kinds))}", "kind")
    if query.since and query.until and query.since > query.until:
        raise ValidationError("until must not be before since", "until")
    return query


def _field_labels(ctx: RequestCtx, kinds: set[str]) -> dict[tuple[str, str], str]:
    """(kind, field) -> the field's label in the user's language: as the kind declares it
    (RecordKind.fields), else as its list column is called."""
    labels: dict[tuple[str, str], str] = {}
    for kind, spec in record_kinds(ctx).items():
        if kind not in kinds:
            continue
        labels.update({(kind, field.name): field.label(ctx.language) for field in spec.fields})
        if spec.columns is not None:
            for key, column in spec.columns(ctx).items():
                labels.setdefault((kind, key), column.label(ctx.language))
                labels.setdefault((kind, f"{key}_id"), column.label(ctx.language))
    return labels


def _value(ctx: RequestCtx, kind: str, key: str, value: Any) -> Any:
    """A stored value as the user reads it: a choice's label, else the value shown plainly."""
    labels = choice_labels(kind, key, ctx.language)
    if isinstance(value, str) and value in labels:
        return labels[value]
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return ", ".join(value) or "—"  # a multi choice (as labels) or tags
    return shown(value, ctx.zone)


def _rows(ctx: RequestCtx, entries: list[Any]) -> list[dict[str, Any]]:
    who = people(ctx, {entry.user_id for entry in entries})
    labels = _field_labels(ctx, {entry.kind for entry in entries})
    gettext = translations(ctx.language).gettext

    def label(kind: str, key: str) -> str:
        # The kind's own column label, else a label many kinds share, else the key itself.
        return labels.get((kind, key)) or gettext(COMMON_LABELS.get(key, key))

    def changes(entry: Any) -> list[tuple[str, Any, Any]]:
        rows = []
        for key, (old, new) in sorted((entry.changes or {}).items()):
            if key == "ext":  # one row per custom field, choices as their labels
                fields = fields_for(ctx, entry.kind)
                rows += [
                    (name, _value(ctx, entry.kind, "", before), _value(ctx, entry.kind, "", after))
                    for name, before, after in ext_changes(old, new, fields, ctx.language)
                ]
            else:
                old_value, new_value = (_value(ctx, entry.kind, key, v) for v in (old, new))
                rows.append((label(entry.kind, key), old_value, new_value))
        return rows

    return [
        {
            "entry": entry,
            "who": who.get(entry.user_id, "—") if entry.user_id else "—",
            "action": ACTION_LABELS.get(entry.action, entry.action),
            "url": record_url(entry.kind, entry.record_id),
            "changes": changes(entry),
        }
        for entry in entries
    ]


@get("/admin/audit", sync_to_thread=True, include_in_schema=False)
def audit_log_page(request: Request, ctx: RequestCtx) -> Template:
    """The audit log, newest first, filtered by user, kind, record and a range of days."""
    require(ctx.user, "users", "admin")
    kinds = {kind: spec.label(ctx.language) for kind, spec in record_kinds(ctx).items()}
    query = _query(request, kinds)
    filters = LogFilter(
        user_id=query.user,
        kind=query.kind,
        record_id=query.record,
        since=query.since,
        until=query.until,
    )
    entries, total = search_log(ctx, filters, page=query.page, page_size=PAGE_SIZE)
    asked = msgspec.structs.asdict(query)
    shown_filters = {k: v for k, v in asked.items() if k != "page" and v not in (None, "")}
    return render(
        request,
        ctx,
        "audit/log.html",
        rows=_rows(ctx, entries),
        total=total,
        page=query.page,
        pages=max(1, -(-total // PAGE_SIZE)),
        filters=shown_filters,
        kinds=sorted(kinds.items(), key=lambda item: item[1]),
        kind_labels=kinds,
        users=_users(ctx),
    )


def _users(ctx: RequestCtx) -> list[tuple[int, str]]:
    """Everyone who may appear as an author (the filter's choices)."""
    from sqlalchemy import select

    from kht.auth.models import User

    rows = ctx.session.execute(select(User.id, User.name, User.login).order_by(User.name))
    return [(row.id, f"{row.name} ({row.login})") for row in rows]


ROUTES = [audit_log_page]
