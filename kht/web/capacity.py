"""Request slots: how many requests hold a database connection at once, and the threads
that open, commit and close their sessions.

A request takes a slot before its session is opened and gives it back after the session is
closed; requests beyond the slots wait on the event loop, holding no connection, lock or
thread. The handler threads are more than the slots, and the session's own work (finding
the user, commit, rollback, close) runs on threads of its own, so a request that holds a
lock can always finish, however many others wait for that lock.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import anyio
import anyio.to_thread
from anyio.lowlevel import RunVar

from kht.db.engine import SPARE_CONNECTIONS

T = TypeVar("T")


class RequestCapacity:
    """The slots and session threads of one app; primitives are made per event loop."""

    def __init__(self, slots: int) -> None:
        self.slots = slots
        self._semaphore: RunVar[anyio.Semaphore] = RunVar(f"kht_slots_{id(self)}")
        self._limiter: RunVar[anyio.CapacityLimiter] = RunVar(f"kht_session_{id(self)}")

    def handler_threads(self) -> ThreadPoolExecutor:
        """The executor for sync handlers: a thread for every slot, and for /healthz."""
        return ThreadPoolExecutor(self.slots + SPARE_CONNECTIONS, thread_name_prefix="kht-handler")

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold one of the slots for the block (waiting on the event loop if none is free)."""
        async with _per_loop(self._semaphore, lambda: anyio.Semaphore(self.slots)):
            yield

    async def run(self, function: Callable[..., T], *args: Any) -> T:
        """Run session work on the session threads, never queued behind handlers; shielded,
        so a client that goes away cannot leave a transaction open."""
        limiter = _per_loop(self._limiter, lambda: anyio.CapacityLimiter(self.slots))
        with anyio.CancelScope(shield=True):
            return await anyio.to_thread.run_sync(function, *args, limiter=limiter)


def _per_loop(var: RunVar[T], make: Callable[[], T]) -> T:
    try:
        return var.get()
    except LookupError:
        value = make()
        var.set(value)
        return value
