"""Job API types: a job's state, progress and result as clients see them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec


class JobOut(msgspec.Struct, kw_only=True):
    """A job: status (draft, queued, running, done, failed), progress and result.

    `output_url` downloads what the job produced (an export, or an import's error report).
    """

    id: int
    type: str
    status: str
    done: int
    total: int
    message: str
    result: dict[str, Any]
    created_at: datetime
    finished_at: datetime | None
    output_name: str
    output_url: str | None
    page_url: str
