"""Job API types: a job's state, progress and result as clients see them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec


class JobOut(msgspec.Struct, kw_only=True):
    """A job: status (draft, queued, running, done, failed), progress and result.

    While the worker runs it, `per_second` (rows) and `seconds_left` tell its pace (null
    before the first rows, and for jobs not run by the worker). `output_url` downloads what
    the job produced (an export, or an import's error report).
    """

    id: int
    type: str
    status: str
    done: int
    total: int
    message: str
    result: dict[str, Any]
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    per_second: float | None
    seconds_left: int | None
    output_name: str
    output_url: str | None
    page_url: str
