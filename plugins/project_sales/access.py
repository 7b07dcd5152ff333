"""Who may change a project's pack data: whoever may edit the opportunity (its owner's scope
with the edit right, or its team with edit access), through the core's one check."""

from __future__ import annotations

from typing import Any

import kht.sales.opportunities.service as opportunities
from kht.plugin_api import Ctx, require_change


def require_edit(ctx: Ctx, opportunity: Any) -> None:
    """403 unless the acting user may edit `opportunity` (a read-only team member may not)."""
    require_change(ctx, opportunities.SPEC, opportunity, "edit")
