"""One rule for closing a project, whichever path closes it (the pack's close, the core's
close form, API or board, a quote accepted): the reason is one of the pack's listed ones (a
loss needs one), checked through `kht_validate`; and the outcome row follows every close
and reopen, through `StageChanged`."""

from __future__ import annotations

from typing import Any

import kht.sales.opportunities.service as opportunities
from kht.plugin_api import Ctx, Problem, StageChanged
from plugins.project_sales.access import is_project
from plugins.project_sales.competition import reason_problem, record_outcome

CLOSED = ("won", "lost")


def close_problems(ctx: Ctx, record: Any, changes: dict[str, Any]) -> list[Problem] | None:
    """The problem with a write that closes a project with an unlisted reason (None: the
    write closes nothing, or no project, or the reason is fine)."""
    status = changes.get("status")
    if status not in CLOSED:
        return None
    reason = str(changes.get("close_reason", record.close_reason) or "")
    problem = reason_problem(status == "won", reason)
    if problem is None or not is_project(ctx, record):
        return None
    return [Problem(field="reason", message=problem)]


def stage_changed(ctx: Ctx, event: StageChanged) -> None:
    """A project moved into won or lost, or out of them: its outcome row follows."""
    if event.outcome not in CLOSED and event.from_stage not in CLOSED:
        return
    record = ctx.session.get(opportunities.SPEC.model, event.record_id)
    if record is None or not is_project(ctx, record):
        return
    record_outcome(ctx, record, event.outcome)
