"""Leases: which worker process is running a job (or a periodic task's minute) right now.

A worker takes the lease before it runs a job and keeps it until the job's transaction has
ended; a lease that nobody holds on a job the database calls `running` means its worker
died, and the job is run again by another (`kht.jobs.service.reclaim_orphans`). The lease
is only the liveness signal: the job's own commit is fenced by its attempt number, so even
a lease lost to a long pause cannot let two runs both commit.

Two kinds, chosen with the queue:
- on Redis (several workers, several hosts), a redis-py `Lock` per job that expires after
  `KHT_JOB_LEASE_SECONDS` unless its worker renews it (every third of that, on a thread of
  its own);
- on the SQLite queue (one host), a POSIX record lock on one byte of a lock file beside the
  queue, which the kernel drops the moment its process dies.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import threading
from pathlib import Path
from typing import Any, Protocol

log = logging.getLogger("kht.jobs")


class Leases(Protocol):
    """What the worker needs of a lease store."""

    def acquire(self, name: str) -> bool:
        """Take the lease `name` for this process; False when another process holds it."""

    def release(self, name: str) -> None:
        """Give the lease up (after the job's transaction ended, committed or not)."""

    def renew(self) -> None:
        """Extend every lease this process holds (a no-op where leases do not expire)."""

    def held_elsewhere(self, name: str) -> bool:
        """Whether a live process (this one included) holds the lease `name`."""


class RedisLeases:
    """Leases as redis-py locks with a timeout, renewed by `renew` (`reacquire`)."""

    def __init__(self, client: Any, prefix: str, seconds: int) -> None:
        self.client, self.prefix, self.seconds = client, prefix, seconds
        self.held: dict[str, Any] = {}
        self.mutex = threading.Lock()

    def _key(self, name: str) -> str:
        return f"{self.prefix}:lease:{name}"

    def acquire(self, name: str) -> bool:
        # Not thread-local: the renewing thread must see the token the job's thread took.
        lock = self.client.lock(
            self._key(name), timeout=self.seconds, blocking=False, thread_local=False
        )
        if not lock.acquire(blocking=False):
            return False
        with self.mutex:
            self.held[name] = lock
        return True

    def release(self, name: str) -> None:
        from redis.exceptions import LockError

        with self.mutex:
            lock = self.held.pop(name, None)
        if lock is not None:
            try:
                lock.release()
            except LockError:  # it expired meanwhile: the fence kept the job safe
                log.warning("lease %s had expired before it was released", name)

    def renew(self) -> None:
        from redis.exceptions import LockError

        with self.mutex:
            held = list(self.held.items())
        for name, lock in held:
            try:
                lock.reacquire()
            except LockError:
                log.error("lease %s was lost (expired before renewal)", name)
                with self.mutex:
                    self.held.pop(name, None)

    def held_elsewhere(self, name: str) -> bool:
        with self.mutex:
            if name in self.held:
                return True
        return bool(self.client.exists(self._key(name)))


class FileLeases:
    """Leases as POSIX record locks on one byte each of one lock file (one host only).

    Record locks belong to the process, so two threads of one worker are told apart by the
    `held` set; the file stays open for the process's life (closing any descriptor of it
    would drop every lock the process holds on it).
    """

    SLOTS = 1 << 40

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        self.held: set[str] = set()
        self.mutex = threading.Lock()

    def _offset(self, name: str) -> int:
        digest = hashlib.blake2b(name.encode(), digest_size=8).digest()
        return int.from_bytes(digest, "big") % self.SLOTS

    def _try(self, name: str) -> bool:
        try:
            fcntl.lockf(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, self._offset(name))
        except OSError:
            return False
        return True

    def acquire(self, name: str) -> bool:
        with self.mutex:
            if name in self.held or not self._try(name):
                return False
            self.held.add(name)
            return True

    def release(self, name: str) -> None:
        with self.mutex:
            if name in self.held:
                self.held.discard(name)
                fcntl.lockf(self.fd, fcntl.LOCK_UN, 1, self._offset(name))

    def renew(self) -> None:
        """Record locks last as long as their process: nothing to renew."""

    def held_elsewhere(self, name: str) -> bool:
        with self.mutex:
            if name in self.held:
                return True
            if not self._try(name):
                return True
            fcntl.lockf(self.fd, fcntl.LOCK_UN, 1, self._offset(name))
            return False


__all__ = ["FileLeases", "Leases", "RedisLeases"]
