"""Tags: shared labels on records of any kind; tagging a record is an (audited) edit."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, select

from kht.auth.permissions import require
from kht.context import Ctx
from kht.errors import NotAuthenticated, NotFound, ValidationError
from kht.events import RecordUpdated
from kht.plugin_types import RecordKind
from kht.tags.models import RecordTag, Tag

COLORS = ("secondary", "primary", "success", "danger", "warning", "info", "dark")


def list_tags(ctx: Ctx) -> list[Tag]:
    """Every tag, by name (any logged-in user may use tags)."""
    if ctx.user is None:
        raise NotAuthenticated("log in first")
    return list(ctx.session.scalars(select(Tag).order_by(Tag.name)))


def ensure_tags(ctx: Ctx, names: list[str]) -> list[Tag]:
    """The tags with these names, creating missing ones."""
    clean = []
    for name in names:
        name = name.strip()
        if not name or len(name) > 50:
            raise ValidationError("a tag is 1 to 50 characters", "tags")
        if not name.isprintable():  # control characters: invisible, and `_SEPARATOR` is one
            raise ValidationError("a tag may not contain control characters", "tags")
        clean.append(name)
    existing = {t.name: t for t in ctx.session.scalars(select(Tag).where(Tag.name.in_(clean)))}
    for name in clean:
        if name not in existing:
            existing[name] = Tag(name=name)
            ctx.session.add(existing[name])
    ctx.session.flush()
    return [existing[name] for name in dict.fromkeys(clean)]


def delete_tag(ctx: Ctx, tag_id: int) -> None:
    """Remove a tag everywhere (administrators of customers)."""
    require(ctx.user, "customers", "admin")
    tag = ctx.session.get(Tag, tag_id)
    if tag is None:
        raise NotFound(f"tag {tag_id} not found")
    ctx.session.delete(tag)
    ctx.session.flush()


_links, _tags = RecordTag.__table__, Tag.__table__
# Built once: every record page and list asks for its tags.
_TAGS_OF = (
    select(_links.c.record_id, _tags.c.name)
    .join(_tags, _tags.c.id == _links.c.tag_id)
    .where(
        _links.c.kind == bindparam("kind"),
        _links.c.record_id.in_(bindparam("ids", expanding=True)),
    )
    .order_by(_tags.c.name)
)
_SEPARATOR = "\x1f"  # the ASCII unit separator: `ensure_tags` refuses control characters


def tag_names_column(kind: str, record_id: Any) -> Any:
    """A scalar column: the tag names of the `kind` record whose id is `record_id`, joined.

    For reading a record and its tags in one query; `split_tag_names` turns it into the
    sorted list `tags_of` gives.
    """
    return (
        select(func.aggregate_strings(_tags.c.name, _SEPARATOR))
        .select_from(_links.join(_tags, _tags.c.id == _links.c.tag_id))
        .where(_links.c.kind == kind, _links.c.record_id == record_id)
        .scalar_subquery()
        .label("tag_names")
    )


def split_tag_names(joined: str | None) -> list[str]:
    """The sorted tag names of a `tag_names_column` value."""
    return sorted(joined.split(_SEPARATOR)) if joined else []


def tags_of(ctx: Ctx, kind: str, record_ids: list[int]) -> dict[int, list[str]]:
    """Tag names per record id (callers pass ids they already know are visible)."""
    found: dict[int, list[str]] = defaultdict(list)
    if not record_ids:
        return found
    rows = ctx.session.execute(_TAGS_OF, {"kind": kind, "ids": list(record_ids)})
    for record_id, name in rows:
        found[record_id].append(name)
    return found


def change_tags(
    ctx: Ctx,
    spec: RecordKind,
    record_ids: list[int],
    *,
    add: list[str] = (),
    remove: list[str] = (),
) -> int:
    """Add and remove tags on visible records (an edit: audited per record). Returns changes."""
    require(ctx.user, spec.module, "edit")
    before = tags_of(ctx, spec.kind, record_ids)
    to_add = ensure_tags(ctx, list(add)) if add else []
    removed_ids = [t.id for t in ctx.session.scalars(select(Tag).where(Tag.name.in_(remove)))]
    if removed_ids:
        ctx.session.execute(
            delete(RecordTag).where(
                RecordTag.kind == spec.kind,
                RecordTag.record_id.in_(record_ids),
                RecordTag.tag_id.in_(removed_ids),
            )
        )
    rows = [
        {"tag_id": tag.id, "kind": spec.kind, "record_id": record_id}
        for record_id in record_ids
        for tag in to_add
        if tag.name not in before[record_id]
    ]
    if rows:
        ctx.session.execute(insert(RecordTag), rows)
    after = tags_of(ctx, spec.kind, record_ids)
    return _announce(ctx, spec, before, after)


def _announce(
    ctx: Ctx, spec: RecordKind, before: dict[int, list[str]], after: dict[int, list[str]]
) -> int:
    changed = 0
    for record_id in set(before) | set(after):
        old, new = sorted(before.get(record_id, [])), sorted(after.get(record_id, []))
        if old != new:
            changed += 1
            ctx.fire(
                RecordUpdated(
                    kind=spec.kind,
                    record_id=record_id,
                    user_id=ctx.user_id,
                    changes={"tags": [old, new]},
                )
            )
    return changed


def tag_out(tag: Tag) -> dict[str, Any]:
    return {"id": tag.id, "name": tag.name, "color": tag.color}
