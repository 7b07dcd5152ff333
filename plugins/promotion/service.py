"""Settings, territories, outlets and their contact history.

An outlet is a customer with the pack's attributes (type, chain, grade, territory, position,
opening hours), owned by the rep who visits it: the core's data scope then gives a rep their
own outlets and a manager those of their department tree. Territories form a tree (region ->
city -> district); a rep assigned to a territory is the default owner of its new outlets.
"""

from __future__ import annotations

from typing import Any

import msgspec
from sqlalchemy import func, literal, select

from kht.customers.service import get_customer
from kht.plugin_api import (
    N_,
    Choice,
    Conflict,
    Ctx,
    FieldDef,
    Forbidden,
    NotFound,
    RecordKind,
    RecordPages,
    SettingField,
    SettingsDef,
    ValidationError,
    changes_of,
    create_record,
    get_record,
    owned_by_visible,
    require,
    update_record,
    visible,
)
from kht.sales.opportunities.service import owners_in_scope
from kht.settings.service import get_settings
from plugins.promotion.models import Outlet, OutletContact, Territory
from plugins.promotion.schemas import (
    ContactIn,
    OutletCreate,
    OutletOut,
    OutletUpdate,
    Settings,
    TerritoryIn,
)

NAME = "promotion"
MODULE = NAME
# Approving plans and claims, keeping the territory tree: a manager's rights.
MANAGE = "promotion_manage"
OUTLET_KIND = "promotion_outlet"
LEVELS = ("region", "city", "district")
LEVEL_LABELS = {"region": N_("Region"), "city": N_("City"), "district": N_("District")}

TYPE_CHOICES = (
    Choice(key="supermarket", label_zh="超市", label_en="Supermarket"),
    Choice(key="convenience", label_zh="便利店", label_en="Convenience store"),
    Choice(key="pharmacy", label_zh="药店", label_en="Pharmacy"),
    Choice(key="hospital", label_zh="医院", label_en="Hospital"),
    Choice(key="wholesaler", label_zh="批发商", label_en="Wholesaler"),
    Choice(key="restaurant", label_zh="餐饮", label_en="Restaurant"),
    Choice(key="other", label_zh="其他", label_en="Other"),
)
GRADE_CHOICES = tuple(Choice(key=g, label_zh=f"{g} 类", label_en=g) for g in "ABC")


# ---------------------------------------------------------------------------- settings


SETTINGS = SettingsDef(
    owner=NAME,
    schema=Settings,
    label_zh="推广参数",
    label_en="Promotion settings",
    modules=(MODULE,),
    icon="geo-alt",
    fields={
        "radius_m": SettingField(
            label=N_("Check-in radius (m)"),
            help=N_("A check-in farther than this from the outlet is flagged."),
        ),
        "max_speed_kmh": SettingField(
            label=N_("Fastest believable travel (km/h)"),
            help=N_("A check-in reached faster than this from the rep's previous one is flagged."),
        ),
        "poor_accuracy_m": SettingField(
            label=N_("Poor position accuracy (m)"),
            help=N_("A position less accurate than this is flagged."),
        ),
        "on_time_minutes": SettingField(
            label=N_("On time within (minutes)"),
            help=N_("A check-in this close to the planned time counts as on time."),
        ),
        "short_visit_minutes": SettingField(
            label=N_("Short visit (minutes)"),
            help=N_("A visit shorter than this is flagged."),
        ),
        "visits_per_month": SettingField(
            label=N_("Visits per month by grade"),
            keys=tuple((c.key, c.label_en) for c in GRADE_CHOICES),
        ),
        "audit_forms": SettingField(
            label=N_("Audit forms by outlet type"),
            help=N_("The items of each outlet type's audit (`default` for types without one)."),
        ),
    },
)


def settings(ctx: Ctx) -> Settings:
    """The pack's settings (kept by the core settings store; defaults until saved)."""
    return get_settings(ctx, NAME)


# ---------------------------------------------------------------------------- territories


def territories(ctx: Ctx) -> list[Territory]:
    """The territory tree in depth-first order: a manager sees all of it, a rep the
    territories assigned to them (and their ancestors, so the path reads)."""
    require(ctx.user, MODULE, "view")
    rows = list(ctx.session.scalars(select(Territory).order_by(Territory.name)))
    if not ctx.user.can(MANAGE, "view"):
        rows = _with_ancestors(rows, {t.id for t in rows if t.rep_id == ctx.user_id})
    return _depth_first(rows)


def _with_ancestors(rows: list[Territory], wanted: set[int]) -> list[Territory]:
    by_id = {t.id: t for t in rows}
    keep: set[int] = set()
    for territory_id in wanted:
        node = by_id.get(territory_id)
        while node is not None and node.id not in keep:
            keep.add(node.id)
            node = by_id.get(node.parent_id)
    return [t for t in rows if t.id in keep]


def _depth_first(rows: list[Territory]) -> list[Territory]:
    children: dict[int | None, list[Territory]] = {}
    ids = {t.id for t in rows}
    for t in rows:
        children.setdefault(t.parent_id if t.parent_id in ids else None, []).append(t)
    ordered: list[Territory] = []

    def walk(parent: int | None) -> None:
        for node in children.get(parent, []):
            ordered.append(node)
            walk(node.id)

    walk(None)
    return ordered


def depth(rows: list[Territory]) -> dict[int, int]:
    """Each territory's depth in the tree (0: a region)."""
    by_id = {t.id: t for t in rows}
    result: dict[int, int] = {}
    for t in rows:
        level, node = 0, t
        while node.parent_id in by_id and level < 10:
            level, node = level + 1, by_id[node.parent_id]
        result[t.id] = level
    return result


def create_territory(ctx: Ctx, data: TerritoryIn) -> Territory:
    """A new node under `parent_id` one level down (a city under a region...)."""
    require(ctx.user, MANAGE, "edit")
    _check_parent(ctx, data.level, data.parent_id)
    territory = Territory(**msgspec.structs.asdict(data))
    ctx.session.add(territory)
    ctx.session.flush()
    return territory


def update_territory(ctx: Ctx, territory_id: int, data: TerritoryIn) -> Territory:
    """Rename a node, re-assign its rep, change its coverage target or move it under another
    parent of the level above (a manager whose team works the node, see `_check_team`); a
    node with children keeps its level."""
    require(ctx.user, MANAGE, "edit")
    territory = get_territory(ctx, territory_id)
    _check_team(ctx, territory.id, data.rep_id if data.rep_id != territory.rep_id else None)
    if data.parent_id == territory.id:
        raise ValidationError("a territory cannot be its own parent", "parent_id")
    _check_parent(ctx, data.level, data.parent_id)
    if data.level != territory.level and _has_children(ctx, territory.id):
        # Its children would sit at the wrong level of the tree (a district under a district).
        raise ValidationError("a territory with territories below keeps its level", "level")
    for key, value in msgspec.structs.asdict(data).items():
        setattr(territory, key, value)
    ctx.session.flush()
    return territory


def _check_team(ctx: Ctx, territory_id: int, new_rep: int | None) -> None:
    """A manager changes only the part of the tree their team works: every rep at or below
    the node must lie in their scope of `promotion_manage` (403 otherwise; a node nobody is
    assigned to is anyone's), and so must a newly assigned rep (422 naming `rep_id`)."""
    outside = ~owned_by_visible(ctx.user, Territory.rep_id, MANAGE, owner_index=False)
    query = select(Territory.id).where(
        Territory.id.in_(subtree_ids(ctx, territory_id)), Territory.rep_id.is_not(None), outside
    )
    if ctx.session.scalar(query.limit(1)) is not None:
        raise Forbidden("this territory is worked by reps outside your team")
    if new_rep is None:
        return
    rep = literal(new_rep)
    if (
        ctx.session.scalar(
            select(rep).where(owned_by_visible(ctx.user, rep, MANAGE, owner_index=False))
        )
        is None
    ):
        raise ValidationError("choose a rep of your team", "rep_id")


def _has_children(ctx: Ctx, territory_id: int) -> bool:
    query = select(Territory.id).where(Territory.parent_id == territory_id).limit(1)
    return ctx.session.scalar(query) is not None


def get_territory(ctx: Ctx, territory_id: int) -> Territory:
    """A territory by id (404 when there is none); the tree is not secret within the pack."""
    territory = ctx.session.get(Territory, territory_id)
    if territory is None:
        raise NotFound(f"territory {territory_id} not found")
    return territory


def _check_parent(ctx: Ctx, level: str, parent_id: int | None) -> None:
    expected = LEVELS[LEVELS.index(level) - 1] if level != "region" else None
    if expected is None:
        if parent_id is not None:
            raise ValidationError("a region has no parent", "parent_id")
        return
    parent = ctx.session.get(Territory, parent_id) if parent_id else None
    if parent is None or parent.level != expected:
        raise ValidationError(f"a {level} belongs to a {expected}", "parent_id")


def subtree_ids(ctx: Ctx, territory_id: int) -> set[int]:
    """The territory and every territory below it."""
    rows = ctx.session.execute(select(Territory.id, Territory.parent_id)).all()
    children: dict[int | None, list[int]] = {}
    for row in rows:
        children.setdefault(row.parent_id, []).append(row.id)
    found, todo = set(), [territory_id]
    while todo:
        node = todo.pop()
        if node not in found:
            found.add(node)
            todo += children.get(node, [])
    return found


def territory_names(ctx: Ctx) -> dict[int, str]:
    return dict(ctx.session.execute(select(Territory.id, Territory.name)).all())


def outlet_names(ctx: Ctx, ids: set[int]) -> dict[int, str]:
    """Names of the given outlets (the caller has already seen their visits)."""
    if not ids:
        return {}
    return dict(ctx.session.execute(select(Outlet.id, Outlet.name).where(Outlet.id.in_(ids))).all())


def region_of(ctx: Ctx) -> dict[int, int]:
    """Each territory's region (the root of its branch)."""
    rows = {
        r.id: r.parent_id for r in ctx.session.execute(select(Territory.id, Territory.parent_id))
    }
    result = {}
    for node in rows:
        top, hops = node, 0
        while rows.get(top) is not None and hops < 10:
            top, hops = rows[top], hops + 1
        result[node] = top
    return result


def rep_names(ctx: Ctx) -> dict[int, str]:
    """Names of the users whose work the acting user may see (their reps)."""
    try:
        return {user_id: name for user_id, name, _ in owners_in_scope(ctx)}
    except Exception:  # noqa: BLE001 - a role without opportunities: ids stay unnamed
        return {}


# ---------------------------------------------------------------------------- outlets


def create_outlet(ctx: Ctx, data: OutletCreate) -> Outlet:
    """Make a customer an outlet (once), owned by its territory's rep (else the creator)."""
    customer = get_customer(ctx, data.customer_id)  # a 404 outside the caller's scope
    taken = select(Outlet.id).where(Outlet.customer_id == customer.id)
    if ctx.session.scalar(taken) is not None:
        raise Conflict("this customer is already an outlet", "customer_id")
    values = msgspec.structs.asdict(data)
    values["name"] = values["name"] or customer.name
    territory = _territory(ctx, data.territory_id)
    _coordinates(values)
    owner = territory.rep_id if territory and territory.rep_id else ctx.user_id
    return create_record(ctx, OUTLETS, values, owner_id=owner)


def update_outlet(ctx: Ctx, outlet_id: int, data: OutletUpdate) -> Outlet:
    outlet = get_outlet(ctx, outlet_id)
    changes = changes_of(data)
    if "territory_id" in changes:
        _territory(ctx, changes["territory_id"])
    merged = {"latitude": outlet.latitude, "longitude": outlet.longitude, **changes}
    _coordinates(merged)
    for key in ("latitude", "longitude"):
        if key in changes:
            changes[key] = merged[key]
    return update_record(ctx, OUTLETS, outlet, data.version, changes)


def _territory(ctx: Ctx, territory_id: int | None) -> Territory | None:
    if territory_id is None:
        return None
    territory = ctx.session.get(Territory, territory_id)
    if territory is None:
        raise ValidationError(f"territory {territory_id} does not exist", "territory_id")
    return territory


def _coordinates(values: dict[str, Any]) -> None:
    """Both coordinates or neither, kept as Decimal degrees."""
    lat, lng = values.get("latitude"), values.get("longitude")
    if (lat is None) != (lng is None):
        raise ValidationError("give both latitude and longitude, or neither", "longitude")
    if lat is not None:
        from decimal import Decimal

        values["latitude"] = Decimal(str(round(float(lat), 6)))
        values["longitude"] = Decimal(str(round(float(lng), 6)))


def get_outlet(ctx: Ctx, outlet_id: int) -> Outlet:
    """An outlet in the caller's scope (404 otherwise)."""
    return get_record(ctx, OUTLETS, outlet_id)


def outlets_in_scope(ctx: Ctx) -> Any:
    """The SELECT of the live outlets the caller may see."""
    return visible(ctx, OUTLETS)


def outlet_counts(ctx: Ctx) -> dict[int, int]:
    """How many outlets in the caller's scope each territory holds (directly)."""
    query = (
        outlets_in_scope(ctx)
        .with_only_columns(Outlet.territory_id, func.count(Outlet.id))
        .group_by(Outlet.territory_id)
    )
    return {row[0]: row[1] for row in ctx.session.execute(query) if row[0] is not None}


# ---------------------------------------------------------------------------- contacts


def set_contact(ctx: Ctx, outlet_id: int, data: ContactIn) -> OutletContact:
    """Record who holds a role at the outlet from `valid_from`: the current holder's term
    ends the day before, so the history answers "who was the store manager in March"."""
    outlet = get_outlet(ctx, outlet_id)
    require(ctx.user, MODULE, "edit")
    current = _holder(ctx, outlet.id, data.role)
    if current is not None:
        if data.valid_from <= current.valid_from:
            raise ValidationError("the new holder starts after the current one", "valid_from")
        from datetime import timedelta

        current.valid_to = data.valid_from - timedelta(days=1)
    contact = OutletContact(
        outlet_id=outlet.id,
        role=data.role,
        name=data.name,
        phone=data.phone,
        valid_from=data.valid_from,
        recorded_by_id=ctx.user_id,
    )
    ctx.session.add(contact)
    ctx.session.flush()
    return contact


def _holder(ctx: Ctx, outlet_id: int, role: str) -> OutletContact | None:
    query = select(OutletContact).where(
        OutletContact.outlet_id == outlet_id,
        OutletContact.role == role,
        OutletContact.valid_to.is_(None),
    )
    return ctx.session.scalar(query)


def contact_history(ctx: Ctx, outlet_id: int) -> list[OutletContact]:
    """Every holder of every role at the outlet, latest first."""
    get_outlet(ctx, outlet_id)
    query = select(OutletContact).where(OutletContact.outlet_id == outlet_id)
    return list(ctx.session.scalars(query.order_by(OutletContact.valid_from.desc())))


def contact_on(ctx: Ctx, outlet_id: int, role: str, day: Any) -> OutletContact | None:
    """Who held `role` at the outlet on `day`."""
    for contact in contact_history(ctx, outlet_id):
        ends = contact.valid_to
        if contact.role == role and contact.valid_from <= day and (ends is None or day <= ends):
            return contact
    return None


# ---------------------------------------------------------------------------- the kind


def _f(name: str, type_: str, zh: str, en: str, **more: Any) -> FieldDef:
    return FieldDef(name=name, type=type_, label_zh=zh, label_en=en, namespace="", **more)


OUTLET_FIELDS = (
    _f("name", "text", "网点名称", "Outlet name"),
    _f("customer_id", "number", "客户", "Customer", required=True),
    _f("outlet_type", "single_choice", "网点类型", "Outlet type", choices=TYPE_CHOICES),
    _f("chain", "text", "连锁/系统", "Chain / banner"),
    _f("grade", "single_choice", "等级", "Grade", choices=GRADE_CHOICES),
    _f("territory_id", "number", "片区", "Territory"),
    _f("address", "text", "地址", "Address"),
    _f("latitude", "number", "纬度", "Latitude"),
    _f("longitude", "number", "经度", "Longitude"),
    _f("opening_hours", "text", "营业时间", "Opening hours"),
    _f("last_visit_on", "date", "最近拜访", "Last visit"),
)


def _refs(ctx: Ctx, rows: list[Any]) -> dict[str, Any]:
    from kht.contacts.service import customer_names

    ids = {getattr(row, "customer_id", None) for row in rows}
    return {"refs": {"customer_id": customer_names(ctx, ids), "territory_id": territory_names(ctx)}}


def _detail(ctx: Ctx, outlet: Any) -> dict[str, Any]:
    return _refs(ctx, [outlet] if outlet is not None else [])


OUTLETS = RecordKind(
    kind=OUTLET_KIND,
    model=Outlet,
    module=MODULE,
    label_zh="网点",
    label_en="Outlets",
    plural="outlets",
    fields=OUTLET_FIELDS,
    searchable=("name", "chain", "address"),
    default_sort="name",
    list_defaults=("name", "outlet_type", "grade", "territory_id", "last_visit_on", "owner_id"),
    create_schema=OutletCreate,
    update_schema=OutletUpdate,
    out_schema=OutletOut,
    create=create_outlet,
    update=update_outlet,
    pages=RecordPages(
        badge="grade",
        subtitle="outlet_type",
        form_fields=(
            "customer_id",
            "name",
            "outlet_type",
            "chain",
            "grade",
            "territory_id",
            "address",
            "latitude",
            "longitude",
            "opening_hours",
        ),
        list_filters=("grade", "outlet_type", "territory_id"),
        list_context=_refs,
        detail_context=_detail,
    ),
)
