"""A job's uploaded file, written to and read from the database piece by piece, never whole.

An import keeps its upload in `job_inputs` so the worker can run it. `store_input` writes a
file there 1 MB at a time (SQLite: a zero-filled BLOB reserved, then incremental BLOB I/O;
PostgreSQL: appending to the bytea), and `open_input` gives a seekable binary file that reads
it back 1 MB at a time with `substr()`, so memory stays flat however large the file.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import BinaryIO

from sqlalchemy import LargeBinary, delete, func, insert, select, update
from sqlalchemy.orm import Session

from kht.jobs.models import JobInput

PIECE = 1 << 20  # bytes written or fetched per statement

_inputs = JobInput.__table__
_data = _inputs.c.data
_job = _inputs.c.job_id


def input_size(session: Session, job_id: int) -> int | None:
    """The stored upload's size in bytes, or None when the job has none (any more)."""
    return session.scalar(select(func.length(_data)).where(_job == job_id))


def drop_input(session: Session, job_id: int) -> None:
    """Forget a job's upload (an import that has run needs it no more)."""
    session.execute(delete(_inputs).where(_job == job_id))


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
                _job == self.job_id
            )
        )
        piece = bytes(piece or b"")
        buffer[: len(piece)] = piece
        self.position += len(piece)
        return len(piece)


def open_input(session: Session, job_id: int, size: int) -> BinaryIO:
    """The job's upload as a buffered binary file (see `input_size` for `size`)."""
    return io.BufferedReader(StoredInput(session, job_id, size), buffer_size=PIECE)


def store_input(
    session: Session,
    job_id: int,
    source: bytes | Callable[[], BinaryIO],
    size: int | None = None,
) -> None:
    """Keep the file `source` is (or opens: then `size` says how large) as the job's upload.

    A file to open is written 1 MB at a time, never held whole.
    """
    drop_input(session, job_id)
    if isinstance(source, bytes):
        session.execute(insert(_inputs).values(job_id=job_id, data=source))
        return
    dialect = session.get_bind().dialect.name
    with source() as stream:
        if dialect == "sqlite":
            reserved = func.zeroblob(size or 0)
            session.execute(insert(_inputs).values(job_id=job_id, data=reserved))
            raw = session.connection().connection.driver_connection
            with raw.blobopen("job_inputs", "data", job_id) as blob:  # type: ignore[union-attr]
                while piece := stream.read(PIECE):
                    blob.write(piece)
            return
        if dialect != "postgresql":
            session.execute(insert(_inputs).values(job_id=job_id, data=stream.read()))
            return
        session.execute(insert(_inputs).values(job_id=job_id, data=b""))
        while piece := stream.read(PIECE):
            session.execute(
                update(_inputs).where(_job == job_id).values(data=_data.op("||")(piece))
            )
