"""Value scores' hook implementations: recompute on events, the scores panel, API and CLI."""

from __future__ import annotations

from typing import Any

from kht.events import ActionLogged, RecordCreated, RecordUpdated
from kht.hookspecs import hookimpl
from kht.plugin_types import NIGHTLY_CATCH_UP, Panel, PeriodicTask

# The events after which a record's scores may have changed.
RESCORE_ON = (RecordCreated, RecordUpdated, ActionLogged)


@hookimpl
def kht_on_event(ctx: Any, event: Any) -> None:
    """Recompute the scores of the record an event is about (if a value model scores it)."""
    if not isinstance(event, RESCORE_ON):
        return
    from kht.value.service import score_record, scored_kinds

    if event.kind in scored_kinds(ctx):
        score_record(ctx, event.kind, event.record_id)


@hookimpl
def kht_record_panels(ctx: Any, kind: str, record: Any) -> list[Panel] | None:
    """Each value model's score of the record, with the parts that explain it (on the page
    of any kind a value model scores: leads, customers, a plugin's own kinds)."""
    from kht.records import record_kinds
    from kht.value.service import scores_of, value_models

    if not value_models(ctx, kind) or kind not in record_kinds(ctx):
        return None
    return [
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
        )
    ]


@hookimpl
def kht_register_routes() -> list[Any]:
    from kht.value import api, views

    return [*api.ROUTES, *views.ROUTES]


def _rescore(runtime: Any) -> None:
    from kht.value.service import run_rescore

    run_rescore(runtime)


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
        )
    ]


@hookimpl
def kht_register_commands(cli: Any) -> None:
    from kht.value.cli import scores

    cli.add_command(scores)
