"""Create, change, delete and restore any business record the same way.

Domain services (customers, contacts, leads, plugins' records) call these after their own
checks, so every record gets the same treatment: permission and scope checks, custom-field
validation, plugin validation (`kht_validate`), optimistic locking, soft delete, and the
lifecycle events the audit log and plugins listen to.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

import msgspec
from sqlalchemy import Select, bindparam, or_, select

from kht.auth.permissions import require
from kht.auth.scope import Access, Shared, restrict, scope_key
from kht.context import Ctx
from kht.db.custom_fields import FieldDef, validate_ext
from kht.errors import Conflict, Forbidden, NotAuthenticated, NotFound, ValidationError
from kht.events import RecordCreated, RecordDeleted, RecordRestored, RecordUpdated
from kht.fields import fields_for
from kht.lists.counting import Total, total_of
from kht.lists.engine import (
    FIELD_TYPE_TO_LIST,
    Column,
    Filter,
    apply_filters,
    custom_columns,
    one_page,
    page_rows,
    tag_column,
    with_plugin_columns,
)
from kht.plugin_types import Problem, RecordKind
from kht.records import completed
from kht.records.schemas import out_of
from kht.search.service import matching_records

R = TypeVar("R")
# Never part of a change a client may make; services set them.
PROTECTED = frozenset(
    {
        "id",
        "version",
        "owner_id",
        "created_at",
        "created_by_id",
        "updated_at",
        "updated_by_id",
        "deleted_at",
    }
)


def plain(values: dict[str, Any]) -> dict[str, Any]:
    """Values as JSON-safe builtins (dates as ISO strings, Decimals as strings)."""
    return msgspec.to_builtins(values)


def check_with_plugins(ctx: Ctx, kind: str, record: Any, changes: dict[str, Any]) -> None:
    """Collect every plugin's problems with a write; any problem refuses it (422)."""
    results = ctx.hook.kht_validate(ctx=ctx, kind=kind, record=record, changes=changes)
    problems: list[Problem] = [p for batch in results if batch for p in batch]
    if problems:
        message = "; ".join(f"{p.field}: {p.message}" for p in problems)
        raise ValidationError(message, problems[0].field)


def shared_of(spec: RecordKind) -> Shared:
    """Whose record teams open a record of `spec`: its own, then its declared parents'."""
    model = spec.model
    parents = [
        (model.kind if parent == "*" else parent, getattr(model, column))
        for parent, column in spec.team_parents
    ]
    return [(spec.kind, model.id), *parents]


def scoped(
    ctx: Ctx, spec: RecordKind, query: Select[Any], *, access: Access = "read"
) -> Select[Any]:
    """`query` over `spec`'s model limited to records in the acting user's scope, their own
    or a parent's record team included (`access="edit"`: only teams that give edit)."""
    model = spec.model
    return restrict(query, ctx.user, model, spec.module, shared=shared_of(spec), access=access)


def _reaches(ctx: Ctx, spec: RecordKind, record: Any, team: Access | None) -> bool:
    """Whether the user's scope reaches `record`'s owner, or (`team`) a team with that access."""
    model = spec.model
    query = select(model.id)
    if team is None:
        query = restrict(query, ctx.user, model, spec.module)
    else:
        query = scoped(ctx, spec, query, access=team)
    return ctx.session.scalar(query.where(model.id == record.id)) is not None


def require_change(
    ctx: Ctx, spec: RecordKind, record: Any, operation: str = "edit", *, by_team: bool = True
) -> None:
    """Refuse (403) a change to a visible record the user may not make: the role must grant
    `operation`, and the owner must be in the user's scope, or (an edit, `by_team`) the user
    be on an edit-access team of the record or a parent. Read access never changes a record;
    delete, hand-over and managing the team itself need the owner in scope.
    """
    user = require(ctx.user, spec.module, operation)
    owner = getattr(record, "owner_id", None)
    if user.scope(spec.module) == "all" or owner is None or owner == user.id:
        return  # no query needed: the scope reaches it whatever the teams say
    team: Access | None = "edit" if operation == "edit" and by_team else None
    if not _reaches(ctx, spec, record, team):
        raise Forbidden(f"you may not {operation} {spec.kind} {record.id}")


def may_change(ctx: Ctx, spec: RecordKind, record: Any, operation: str = "edit") -> bool:
    """Whether `require_change` lets the acting user make `operation` on `record` (for
    offering a button only when it would work)."""
    try:
        require_change(ctx, spec, record, operation)
    except (Forbidden, NotAuthenticated):
        return False
    return True


# Scoped base queries, kept by (model, module, deleted, scope key, variant): statements are
# immutable, and most requests of a user ask for the same few. Cleared when it grows large.
_KEPT: dict[tuple[Any, ...], Select[Any]] = {}
_KEPT_MAX = 4096


def _kept(
    ctx: Ctx,
    spec: RecordKind,
    deleted: bool,
    variant: str,
    columns: Callable[[], tuple[Any, ...]] = tuple,
) -> Select[Any]:
    key = scope_key(ctx.user, spec.module)
    full = (spec.model, spec.module, deleted, key, variant)
    query = _KEPT.get(full) if key is not None else None
    if query is None:
        model = spec.model
        live = model.deleted_at.is_not(None) if deleted else model.deleted_at.is_(None)
        query = scoped(ctx, spec, select(model, *columns()).where(live))
        if variant != "all":
            query = query.where(model.id == bindparam("record_id"))
        if key is not None:
            if len(_KEPT) >= _KEPT_MAX:
                _KEPT.clear()
            _KEPT[full] = query
    return query


def visible(ctx: Ctx, spec: RecordKind, *, deleted: bool = False) -> Select[Any]:
    """Records of `spec` in the acting user's scope (the recycle bin when `deleted`)."""
    return _kept(ctx, spec, deleted, "all")


def searched(
    ctx: Ctx,
    spec: RecordKind,
    *,
    q: str = "",
    search: tuple[Any, ...] = (),
    filters: list[Filter] | None = None,
    deleted: bool = False,
) -> Select[Any]:
    """Records of `spec` in scope whose `search` columns contain `q`, matching `filters`.

    The query behind a kind's list page, export and bulk operations (`RecordKind.query`).
    """
    require(ctx.user, spec.module, "view")
    spec = completed(spec)
    query = visible(ctx, spec, deleted=deleted)
    if q.strip() and search:
        query = query.where(quick_search(ctx, spec, q, search))
    return apply_filters(query, spec.columns(ctx), filters or [], zone=ctx.zone)


def quick_search(ctx: Ctx, spec: RecordKind, q: str, search: tuple[Any, ...]) -> Any:
    """The condition of a list's search box: `q` inside any `search` column, or the kind's
    search document matching it (pinyin, phone tails), as the global search finds it."""
    term = q.strip()
    found = [column.icontains(term, autoescape=True) for column in search]
    documents = matching_records(ctx, spec.kind, term)
    if documents is not None:
        found.append(spec.model.id.in_(documents))
    return or_(*found)


def _list_query(
    ctx: Ctx,
    spec: RecordKind,
    q: str,
    filters: list[Filter] | None,
    deleted: bool,
    params: dict[str, Any] | None,
) -> Select[Any]:
    """`spec`'s list query in scope: its `query`, then its own `list_params` that differ
    from their defaults."""
    query = spec.query(ctx, q=q, filters=filters, deleted=deleted)
    for param in spec.list_params:
        value = (params or {}).get(param.name, param.default)
        if value != param.default:
            query = param.apply(ctx, query, value)
    return query


def page_of(
    ctx: Ctx,
    spec: RecordKind,
    *,
    page: int = 1,
    page_size: int = 50,
    q: str = "",
    sort: str | None = None,
    filters: list[Filter] | None = None,
    deleted: bool = False,
    params: dict[str, Any] | None = None,
) -> tuple[list[Any], int]:
    """One sorted page of `spec`'s list (its `query`; `sort` by default its `default_sort`)
    and the exact total count. `params` are values of the kind's own `list_params` by name."""
    spec = completed(spec)
    query = _list_query(ctx, spec, q, filters, deleted, params)
    order = sort or spec.default_sort
    return one_page(ctx.session, query, spec.columns(ctx), order, spec.model.id, page, page_size)


def listed(
    ctx: Ctx,
    spec: RecordKind,
    *,
    page: int = 1,
    page_size: int = 50,
    q: str = "",
    sort: str | None = None,
    filters: list[Filter] | None = None,
    deleted: bool = False,
    params: dict[str, Any] | None = None,
    exact: bool = False,
) -> tuple[list[Any], Total]:
    """What a list page and the list API show: one sorted page (as `page_of`) and its total,
    exact up to `KHT_LIST_EXACT_COUNT_LIMIT` records or when `exact`, else an estimate of
    the same scoped, filtered query (kht.lists.counting), so no list pays a full count."""
    spec = completed(spec)
    query = _list_query(ctx, spec, q, filters, deleted, params)
    order = sort or spec.default_sort
    columns = spec.columns(ctx)
    rows = page_rows(ctx.session, query, columns, order, spec.model.id, page, page_size)
    whole = ctx.user is not None and ctx.user.scope(spec.module) == "all"
    limit = ctx.settings.list_exact_count_limit
    total = total_of(ctx.session, query, spec.model.id, limit=limit, exact=exact, whole=whole)
    return rows, total


def get_record(ctx: Ctx, spec: RecordKind, record_id: int, *, deleted: bool = False) -> Any:
    """One record in scope, or NotFound (missing, deleted and out-of-scope look the same).

    With `deleted` (a restore), a live record the caller can see is a Conflict: it exists,
    it just is not in the recycle bin.
    """
    record = ctx.session.scalar(_kept(ctx, spec, deleted, "by_id"), {"record_id": record_id})
    if record is None:
        live = _kept(ctx, spec, False, "by_id")
        if deleted and ctx.session.scalar(live, {"record_id": record_id}) is not None:
            raise Conflict(f"{spec.kind} {record_id} is not in the recycle bin")
        raise NotFound(f"{spec.kind} {record_id} not found")
    return record


def get_record_with(
    ctx: Ctx, spec: RecordKind, record_id: int, name: str, columns: Callable[[], tuple[Any, ...]]
) -> tuple[Any, ...]:
    """One record in scope and more columns about it, in one query, or NotFound.

    `columns()` builds the extra columns (correlated to `spec.model`, e.g. its tag names);
    the query is kept under `name`, so the columns are built once per scope, not per call.
    """
    # Never "all": the id condition must be added.
    query = _kept(ctx, spec, False, f"by_id_with_{name}", columns)
    row = ctx.session.execute(query, {"record_id": record_id}).first()
    if row is None:
        raise NotFound(f"{spec.kind} {record_id} not found")
    return tuple(row)


def create_record(
    ctx: Ctx,
    spec: RecordKind,
    values: dict[str, Any],
    *,
    owner_id: Any = ...,
    operation: str | None = "create",
) -> Any:
    """Create a record owned by the acting user (or `owner_id`), validated and announced.

    `operation=None` is a write with no acting user (a public form, mail intake): no
    permission check, the event's `user_id` None; everything else is the same.
    """
    if operation is not None:
        require(ctx.user, spec.module, operation)
    values = dict(values)
    values["ext"] = validate_ext(fields_for(ctx, spec.kind), {}, values.get("ext") or {})
    check_with_plugins(ctx, spec.kind, None, values)
    owner = ctx.user_id if owner_id is ... else owner_id
    record = spec.model(
        **values, owner_id=owner, created_by_id=ctx.user_id, updated_by_id=ctx.user_id
    )
    ctx.session.add(record)
    ctx.session.flush()
    ctx.fire(
        RecordCreated(
            kind=spec.kind,
            record_id=record.id,
            user_id=ctx.user_id,
            values=plain({**values, "owner_id": owner}),
        )
    )
    return record


def update_record(
    ctx: Ctx,
    spec: RecordKind,
    record: Any,
    version: int | None,
    changes: dict[str, Any],
    *,
    operation: str | None = "edit",
) -> Any:
    """Apply `changes` if `version` is the one the client was shown (else 409, nothing saved).

    `version=None` is for internal moves (assignment, pool, lifecycle) that lock with the
    version column alone; `operation=None` for a write with no acting user (mail intake, a
    survey answer). Returns the record; fires RecordUpdated with [old, new] per field.
    """
    if operation is not None:
        require_change(ctx, spec, record, operation)
    if version is not None and version != record.version:
        raise Conflict(f"{spec.kind} {record.id} was changed by someone else; reload it", "version")
    changes = dict(changes)
    if "ext" in changes:
        changes["ext"] = validate_ext(fields_for(ctx, spec.kind), record.ext, changes["ext"])
    check_with_plugins(ctx, spec.kind, record, changes)
    diff = {k: [getattr(record, k), v] for k, v in changes.items() if getattr(record, k) != v}
    for key, value in changes.items():
        setattr(record, key, value)
    if diff:
        record.updated_by_id = ctx.user_id
        ctx.session.flush()
        ctx.fire(
            RecordUpdated(
                kind=spec.kind, record_id=record.id, user_id=ctx.user_id, changes=plain(diff)
            )
        )
    return record


def delete_record(ctx: Ctx, spec: RecordKind, record: Any) -> None:
    """Move a record to the recycle bin (never through a record team)."""
    require_change(ctx, spec, record, "delete")
    record.deleted_at = ctx.now()
    record.updated_by_id = ctx.user_id
    ctx.session.flush()
    ctx.fire(RecordDeleted(kind=spec.kind, record_id=record.id, user_id=ctx.user_id))


def restore_record(ctx: Ctx, spec: RecordKind, record: Any) -> None:
    """Bring a record back from the recycle bin."""
    require(ctx.user, spec.module, "delete")
    record.deleted_at = None
    record.updated_by_id = ctx.user_id
    ctx.session.flush()
    ctx.fire(RecordRestored(kind=spec.kind, record_id=record.id, user_id=ctx.user_id))


def record_out(
    schema: type[msgspec.Struct], record: Any, tags: list[str] | None = None, **computed: Any
) -> Any:
    """`schema` filled from `record`'s attributes of the same names: `ext` as a dict, `tags`
    as `tags`, and `computed` for what the record does not hold (a status, its lines)."""
    return out_of(schema, record, **{"tags": tags or [], "ext": record.ext or {}, **computed})


def changes_of(data: msgspec.Struct) -> dict[str, Any]:
    """The fields an input Struct carries (UNSET ones and `version` left out), times in UTC."""
    return {
        k: v.astimezone(UTC) if isinstance(v, datetime) else v
        for k, v in msgspec.structs.asdict(data).items()
        if v is not msgspec.UNSET and k != "version"
    }


# ------------------------------------------------------------ a declared kind's defaults

# Shown in a kind's list by default (when it names none): its first built-in fields.
_DEFAULT_SHOWN = 4
# The columns every record has after its fields: key, labels, list type, shown by default.
_STANDARD = (
    ("owner_id", "负责人", "Owner", "ref", True),
    ("created_at", "创建时间", "Created", "date", False),
    ("updated_at", "更新时间", "Updated", "date", True),
    ("id", "编号", "ID", "number", False),
)


def _list_type(field: FieldDef) -> str:
    # A number field named `<thing>_id` holds another record's id: filtered by id, its
    # cell shows the record's name.
    if field.type == "number" and field.name.endswith("_id"):
        return "ref"
    return FIELD_TYPE_TO_LIST[field.type]


def _field_column(model: Any, field: FieldDef, shown: bool) -> Column:
    kind = _list_type(field)
    return Column(
        key=field.name,
        label_zh=field.label_zh,
        label_en=field.label_en,
        type=kind,
        expr=getattr(model, field.name),
        # A text field's choices are suggestions (any value may be typed), not a filter list.
        choices=field.choices if kind in ("choice", "multi_choice") else (),
        default=shown,
    )


def columns_from_fields(ctx: Ctx, spec: RecordKind) -> dict[str, Column]:
    """The list columns of a kind declared by its `fields`: each built-in field, then owner
    (owned kinds), created, updated, id and tag, then the kind's `more_columns`, then the
    custom and plugin fields. `list_defaults` (else the first few fields, owner and updated)
    are shown by default."""
    model = spec.model
    defaults = set(spec.list_defaults) or {
        *(field.name for field in spec.fields[:_DEFAULT_SHOWN]),
        *(key for key, *_, shown in _STANDARD if shown),
    }
    standard = [s for s in _STANDARD if spec.owned or s[0] != "owner_id"]
    every = [
        _field_column(model, field, field.name in defaults)
        for field in spec.fields
        if spec.owned or field.name != "owner_id"
    ]
    every += [
        Column(
            key=key,
            label_zh=zh,
            label_en=en,
            type=type_,
            expr=getattr(model, key),
            default=key in defaults,
        )
        for key, zh, en, type_, _ in standard
    ]
    every.append(tag_column(model, spec.kind))
    every += spec.more_columns(ctx) if spec.more_columns is not None else []
    every += custom_columns(model, fields_for(ctx, spec.kind))
    return with_plugin_columns(ctx, spec.kind, {column.key: column for column in every})


def list_query(
    ctx: Ctx,
    spec: RecordKind,
    *,
    q: str = "",
    filters: list[Filter] | None = None,
    deleted: bool = False,
) -> Select[Any]:
    """The list query of a kind declared by its fields: records in scope with `q` in one
    of its `searchable` columns, matching `filters` (unsorted)."""
    search = tuple(getattr(spec.model, name) for name in spec.searchable)
    return searched(ctx, spec, q=q, search=search, filters=filters, deleted=deleted)


def declares_own(spec: RecordKind, name: str) -> bool:
    """Whether a (completed) kind names its own service function `name` (`create`, ...)
    rather than the generic record service's default."""
    function = getattr(spec, name)
    return function is not None and not getattr(function, "kht_generic", False)


def with_defaults(spec: RecordKind) -> RecordKind:
    """`spec` with every service hook it leaves out filled by the generic record service:
    get, create, update (when it has an `update_schema`), delete, restore and, for a kind
    declared by its `fields`, the columns and the list query searching its `searchable`."""
    filled: dict[str, Any] = {}

    def columns(ctx: Ctx) -> dict[str, Column]:
        return columns_from_fields(ctx, done)

    def query(ctx: Ctx, **options: Any) -> Select[Any]:
        return list_query(ctx, done, **options)

    def get(ctx: Ctx, record_id: int) -> Any:
        return get_record(ctx, done, record_id)

    def create(ctx: Ctx, data: msgspec.Struct) -> Any:
        return create_record(ctx, done, changes_of(data))

    def update(ctx: Ctx, record_id: int, data: Any) -> Any:
        record = done.get(ctx, record_id)
        return update_record(ctx, done, record, data.version, changes_of(data))

    def delete(ctx: Ctx, record_id: int) -> None:
        delete_record(ctx, done, done.get(ctx, record_id))

    def restore(ctx: Ctx, record_id: int) -> Any:
        record = get_record(ctx, done, record_id, deleted=True)
        restore_record(ctx, done, record)
        return record

    defaults: dict[str, Any] = {
        "get": get,
        "create": create,
        "delete": delete,
        "restore": restore,
    }
    if spec.update_schema is not None:
        defaults["update"] = update
    if spec.fields:
        defaults.update(columns=columns, query=query)
    for name, function in defaults.items():
        if getattr(spec, name) is None:
            function.kht_generic = True  # type: ignore[attr-defined]
            filled[name] = function
    done = msgspec.structs.replace(spec, **filled) if filled else spec
    return done
