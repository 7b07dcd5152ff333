"""The pack's gates on its project process (through the core's `kht_gate_problems`):
leaving qualification needs the minimum scorecard and a decision maker on the committee;
leaving the proposal needs a proposal document uploaded. Each message names what is
missing."""

from __future__ import annotations

from typing import Any

import kht.sales.processes.service as processes
from kht.plugin_api import Ctx
from plugins.project_sales import committee, documents, scorecard
from plugins.project_sales.defs import PROCESS_KEY, PROPOSAL, QUALIFY


def problems(ctx: Ctx, kind: str, record: Any, stage: Any) -> list[str] | None:
    """What the pack's gate of `stage` still misses for `record` (None: not its gate)."""
    if kind != "opportunity" or stage.key not in (QUALIFY, PROPOSAL):
        return None
    if processes.get_process(ctx, stage.process_id).key != PROCESS_KEY:
        return None
    if stage.key == QUALIFY:
        return _qualification(ctx, record, stage)
    if not documents.has_document(ctx, record.id, "proposal"):
        return [f"a proposal document must be uploaded before leaving {stage.name_en}"]
    return []


def _qualification(ctx: Ctx, record: Any, stage: Any) -> list[str]:
    found = []
    minimum = scorecard.settings(ctx).min_score
    total = scorecard.total_of(ctx, record.id)
    if total < minimum:
        found.append(
            f"a scorecard of at least {minimum} is needed before leaving {stage.name_en}: "
            f"it is {total}"
        )
    if not committee.has_decision_maker(ctx, record.id):
        found.append(f"a decision maker must be on the committee before leaving {stage.name_en}")
    return found
