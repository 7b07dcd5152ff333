"""Job rows: what runs in the worker, how far it got, and what it produced."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column

from kht.db.base import Base, IdMixin, JSONType, utcnow


class Job(IdMixin, Base):
    __tablename__ = "jobs"

    type: Mapped[str] = mapped_column(String(40), index=True)
    status: Mapped[str] = mapped_column(String(20), default="queued", index=True)
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    params: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    result: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    message: Mapped[str] = mapped_column(Text, default="")
    input_name: Mapped[str] = mapped_column(String(255), default="")
    output_name: Mapped[str] = mapped_column(String(255), default="")
    output_data: Mapped[bytes | None] = deferred(mapped_column(LargeBinary, nullable=True))
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When the worker took it (not for imports run in the request or by `kht import`).
    started_at: Mapped[datetime | None] = mapped_column(nullable=True, default=None)
    finished_at: Mapped[datetime | None] = mapped_column(nullable=True, default=None)


class JobInput(Base):
    """A job's uploaded file (see kht.jobs.stored_input: written and read 1 MB at a time).

    A table of its own so the file is the row's last column: SQLite then reserves a
    zero-filled BLOB without building it in memory.
    """

    __tablename__ = "job_inputs"

    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True)
    data: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))


class ImportMapping(IdMixin, Base):
    """A remembered column mapping for a file layout (its header signature)."""

    __tablename__ = "import_mappings"

    kind: Mapped[str] = mapped_column(String(40))
    signature: Mapped[str] = mapped_column(String(64), index=True)
    mapping: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PeriodicRun(Base):
    """One scheduled minute of a periodic task, claimed by the worker that runs it: the
    primary key makes a second worker's claim of the same minute fail, so it runs once."""

    __tablename__ = "periodic_runs"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    slot: Mapped[datetime] = mapped_column(primary_key=True)  # the scheduled minute, UTC
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    error: Mapped[str] = mapped_column(Text, default="")
