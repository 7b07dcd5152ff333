"""The proof of extension: a plugin living outside `plugins/` that uses only public hooks.

It adds a table with its own migration branch (`ext_plugin_visits`), a field on customers,
an API route, a UI page with its own template, a menu item, and a listener that records a
visit row whenever a customer is created — without touching the core.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from litestar import Request, get
from litestar.response import Template
from sqlalchemy import ForeignKey, String, func, select
from sqlalchemy.orm import Mapped, mapped_column

from kht.plugin_api import (
    Base,
    Choice,
    Ctx,
    FieldDef,
    IdMixin,
    MenuItem,
    Permission,
    PluginInfo,
    Problem,
    RecordCreated,
    RequestCtx,
    hookimpl,
    render,
    utcnow,
)

NAME = "ext_plugin"
HERE = Path(__file__).parent


class Visit(IdMixin, Base):
    """One row per customer created while the plugin is enabled."""

    __tablename__ = "ext_plugin_visits"

    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    note: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


@hookimpl
def kht_register_plugin() -> PluginInfo:
    return PluginInfo(
        name=NAME,
        label_zh="扩展示例",
        label_en="Extension example",
        migrations=HERE / "migrations",
        templates=HERE / "templates",
    )


@hookimpl
def kht_register_permissions() -> list[Permission]:
    return [
        Permission(
            module="ext_plugin",
            label_zh="拜访记录",
            label_en="Visits",
            default_grants={"sales_rep": {"ops": ["view"], "scope": "own"}},
        )
    ]


@hookimpl
def kht_register_models() -> list[type]:
    return [Visit]


@hookimpl
def kht_register_fields(kind: str) -> list[FieldDef] | None:
    if kind != "customer":
        return None
    return [
        FieldDef(
            name="vip_level",
            type="single_choice",
            label_zh="VIP 等级",
            label_en="VIP level",
            choices=(
                Choice(key="silver", label_zh="白银", label_en="Silver"),
                Choice(key="gold", label_zh="黄金", label_en="Gold"),
            ),
        )
    ]


@hookimpl
def kht_validate(ctx: Ctx, kind: str, changes: dict) -> list[Problem] | None:
    if kind == "customer" and str(changes.get("name", "")).lower().startswith("spam"):
        return [Problem(field="name", message="looks like spam")]
    return None


@hookimpl
def kht_on_event(ctx: Ctx, event: Any) -> None:
    if isinstance(event, RecordCreated) and event.kind == "customer":
        ctx.session.add(Visit(customer_id=event.record_id, note=f"welcome {event.values['name']}"))
        if event.values["name"] == "explode":
            raise RuntimeError("listener failure must roll the customer back")


@get("/api/v1/ext_plugin/visits", sync_to_thread=True)
def list_visits(ctx: RequestCtx) -> dict[str, Any]:
    rows = ctx.session.execute(select(Visit.customer_id, Visit.note).order_by(Visit.id)).all()
    return {"items": [{"customer_id": c, "note": n} for c, n in rows], "total": len(rows)}


@get("/ext_plugin/visits", sync_to_thread=True, include_in_schema=False)
def visits_page(request: Request, ctx: RequestCtx) -> Template:
    count = ctx.session.scalar(select(func.count()).select_from(Visit))
    return render(request, ctx, "ext_plugin/visits.html", count=count)


@hookimpl
def kht_register_routes() -> list[Any]:
    return [list_visits, visits_page]


@hookimpl
def kht_menu_items(ctx: Ctx) -> list[MenuItem]:
    return [
        MenuItem(
            key="ext_visits",
            label_zh="拜访记录",
            label_en="Visits",
            url="/ext_plugin/visits",
            order=50,
        )
    ]
