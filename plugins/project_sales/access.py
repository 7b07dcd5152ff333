"""What a project is (an opportunity in the pack's process), and who may change a project's
pack data: whoever may edit the opportunity (its owner's scope with the edit right, or its
team with edit access), through the core's one check."""

from __future__ import annotations

from typing import Any

import kht.sales.opportunities.service as opportunities
import kht.sales.processes.service as processes
from kht.plugin_api import Ctx, NotFound, require_change
from plugins.project_sales.defs import PROCESS_KEY


def is_project(ctx: Ctx, opportunity: Any) -> bool:
    """Whether the opportunity runs in the pack's project process (read without a
    permission check: the system closes opportunities too, when a quote is accepted)."""
    try:
        return processes.stage_of(ctx, opportunity.stage_id).process.key == PROCESS_KEY
    except NotFound:
        return False


def require_edit(ctx: Ctx, opportunity: Any) -> None:
    """403 unless the acting user may edit `opportunity` (a read-only team member may not)."""
    require_change(ctx, opportunities.SPEC, opportunity, "edit")
