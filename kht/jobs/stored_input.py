"""A job's uploaded file, read from its row piece by piece instead of loaded whole.

An import keeps its upload in `jobs.input_data` so the worker can run it; reading it back as
one `bytes` would put the whole file in memory for the length of the import. `open_input`
gives a seekable binary file that fetches 1 MB at a time with `substr()` (a BLOB on SQLite,
a bytea on PostgreSQL), so memory stays flat however large the file.
"""

from __future__ import annotations

import io
from typing import BinaryIO

from sqlalchemy import LargeBinary, func, select
from sqlalchemy.orm import Session

from kht.jobs.models import Job

PIECE = 1 << 20  # bytes fetched per query

_data = Job.__table__.c.input_data
_id = Job.__table__.c.id


def input_size(session: Session, job_id: int) -> int | None:
    """The stored upload's size in bytes, or None when the job has none (any more)."""
    return session.scalar(select(func.length(_data)).where(_id == job_id))


class StoredInput(io.RawIOBase):
    """The upload of one job as a raw, seekable, read-only file."""

    def __init__(self, session: Session, job_id: int, size: int) -> None:
        self.session, self.job_id, self.size = session, job_id, size
        self.position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.size}[whence]
        self.position = max(0, base + offset)
        return self.position

    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]
        wanted = min(len(buffer), self.size - self.position)
        if wanted <= 0:
            return 0
        piece = self.session.scalar(
            select(func.substr(_data, self.position + 1, wanted, type_=LargeBinary)).where(
                _id == self.job_id
            )
        )
        piece = bytes(piece or b"")
        buffer[: len(piece)] = piece
        self.position += len(piece)
        return len(piece)


def open_input(session: Session, job_id: int, size: int) -> BinaryIO:
    """The job's upload as a buffered binary file (see `input_size` for `size`)."""
    return io.BufferedReader(StoredInput(session, job_id, size), buffer_size=PIECE)
