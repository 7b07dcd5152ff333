"""Value scores' hook implementations: recompute on events, the scores panel, API and CLI."""

from __future__ import annotations

from typing import Any

from kht.events import ActionLogged, RecordCreated, RecordsMerged, RecordUpdated
from kht.hookspecs import hookimpl
from kht.plugin_types import NIGHTLY_CATCH_UP, Panel, PeriodicTask

# The events after which a record's scores may have changed.
RESCORE_ON = (RecordCreated, RecordUpdated, ActionLogged)


# The kinds whose changes move their customer's value.
VALUE_SOURCES = ("order", "opportunity")
# Customer fields that change its class (besides the administrator's similarity fields).
CLASS_FIELDS = ("category_id",)


def _customer_of(ctx: Any, kind: str, record_id: int) -> int | None:
    from kht.sales.opportunities.models import Opportunity
    from kht.sales.orders.models import Order

    record = ctx.session.get(Order if kind == "order" else Opportunity, record_id)
    return None if record is None else record.customer_id


def _class_changed(ctx: Any, changes: dict[str, Any]) -> bool:
    from kht.value.customer import peer_fields

    watched = (*CLASS_FIELDS, *peer_fields(ctx))
    return any(key in watched or key == "ext" or key.startswith("ext.") for key in changes)


def _valued_customers(ctx: Any, event: Any) -> list[int]:
    """The customers whose values an event may change (orders, payments, opportunities;
    a customer's own creation, deletion, merge or change of class)."""
    if event.kind in VALUE_SOURCES:
        moved = getattr(event, "changes", {}).get("customer_id") or []
        return [_customer_of(ctx, event.kind, event.record_id), *moved]
    if event.kind != "customer":
        return []
    if isinstance(event, RecordsMerged):
        return [event.record_id, *event.merged_ids]
    if isinstance(event, RecordUpdated) and not _class_changed(ctx, event.changes):
        return []
    return [event.record_id]


@hookimpl
def kht_on_event(ctx: Any, event: Any) -> None:
    """Recompute the scores of the record an event is about (if a value model scores it),
    and mark the customer values it changes stale (recomputed before the commit)."""
    from kht.value.customer import defer

    customers = _valued_customers(ctx, event)
    if customers:
        defer(ctx, customers)
    if not isinstance(event, RESCORE_ON):
        return
    from kht.value.service import score_record, scored_kinds, value_models

    if event.kind not in scored_kinds(ctx):
        return
    due = [model.key for model in value_models(ctx, event.kind) if _reads(model, event)]
    if due:
        score_record(ctx, event.kind, event.record_id, only=due)


def _reads(model: Any, event: Any) -> bool:
    """Whether `event` may change the model's score: a new record always; a change only
    when it touches one of the model's `inputs`; a logged action only for models that
    declare no inputs (they may read anything)."""
    if isinstance(event, RecordCreated):
        return True
    if isinstance(event, RecordUpdated):
        return model.reads(event.changes)
    return model.inputs is None


@hookimpl
def kht_record_panels(ctx: Any, kind: str, record: Any) -> list[Panel] | None:
    """Each value model's score of the record, with the parts that explain it (on the page
    of any kind a value model scores: leads, customers, a plugin's own kinds)."""
    from kht.records import record_kinds
    from kht.value.service import scores_of, value_models

    panels = _customer_value_panel(ctx, kind, record)
    if not value_models(ctx, kind) or kind not in record_kinds(ctx):
        return panels or None
    return [
        *panels,
        Panel(
            key="value_scores",
            title_zh="价值评分",
            title_en="Scores",
            template="value/panel.html",
            order=15,
            context={
                "kind": kind,
                "record_id": record.id,
                "scores": scores_of(ctx, kind, record.id),
                "can_recompute": ctx.user is not None
                and ctx.user.can(record_kinds(ctx)[kind].module, "edit"),
            },
        ),
    ]


def _customer_value_panel(ctx: Any, kind: str, record: Any) -> list[Panel]:
    """The customer's three values with their parts, beside the packs' value models."""
    if kind != "customer":
        return []
    from kht.value.customer_read import value_of

    return [
        Panel(
            key="customer_value",
            title_zh="客户价值",
            title_en="Customer value",
            template="value/customer_value.html",
            order=14,
            context={"value": value_of(ctx, record.id)},
        )
    ]


@hookimpl
def kht_register_routes() -> list[Any]:
    from kht.value import api, views

    return [*api.ROUTES, *views.ROUTES]


def _rescore(runtime: Any) -> None:
    from kht.value.service import run_rescore

    run_rescore(runtime)


def _customer_value(runtime: Any) -> str:
    from kht.value.customer import run_nightly

    return run_nightly(runtime)


@hookimpl
def kht_register_periodic_tasks() -> list[PeriodicTask]:
    # At night in the company's time zone, caught up for six hours after a stopped worker.
    return [
        PeriodicTask(
            key="kht.rescore",
            cron="0 3 * * *",
            run=_rescore,
            description="recompute value scores (engagement decays with time, not events)",
            catch_up_minutes=NIGHTLY_CATCH_UP,
        ),
        PeriodicTask(
            key="kht.customer_value",
            cron="30 3 * * *",
            run=_customer_value,
            description="recompute every customer's established, potential and model value",
            catch_up_minutes=NIGHTLY_CATCH_UP,
        ),
    ]


@hookimpl
def kht_register_commands(cli: Any) -> None:
    from kht.value.cli import scores

    cli.add_command(scores)
