"""The served app follows the enabled plugins, whichever process changed them.

A litestar app is built for one set of plugins (their routes, menus, templates and hooks).
`LiveApp` is the ASGI app `kht serve` runs: it serves the current build and builds a new
one when the plugins enabled in the database differ from the ones it was built for. It
learns of a change three ways:
- in the process that made it, at once (the plugins page calls `refresh` before answering);
- from any other process, at once, through Redis pub/sub when `KHT_REDIS_URL` is set
  (`announce_plugins_changed`, called by `Runtime.set_enabled`, publishes on
  `<KHT_REDIS_PREFIX>:plugins`);
- by reading the enabled set every `KHT_PLUGIN_CHECK_SECONDS` (5), which also covers a
  lost message or a server without Redis.
Requests in flight finish on the build they started on; the next ones use the new build.
The builds share one engine and one set of request slots, so the pool is never doubled.

Everything else two servers must agree on is read from the database on each request, never
kept in a process: sessions, CSRF secret (the instance key), login throttling, custom field
lists, processes and stages, company and pack settings, automation rules, job progress.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from kht import plugins as plugin_manager
from kht.config import Settings
from kht.db.engine import make_server_engine, read_only
from kht.web.capacity import RequestCapacity

log = logging.getLogger("kht.web")


def _channel(settings: Settings) -> str:
    from kht.jobs.worker import redis_prefix

    return f"{redis_prefix(settings)}:plugins"


def announce_plugins_changed(settings: Settings) -> None:
    """Tell every server on the same Redis that the enabled plugins changed (no Redis: they
    find out within KHT_PLUGIN_CHECK_SECONDS). A failure is logged, never raised."""
    from kht.jobs.worker import redis_url

    url = redis_url(settings)
    if not url:
        return
    try:
        import redis

        with redis.Redis.from_url(url, socket_timeout=5) as client:
            client.publish(_channel(settings), "changed")
    except Exception:
        log.exception("could not announce the plugin change on Redis")


def enabled_in(engine: Engine) -> frozenset[str]:
    with Session(read_only(engine)) as session:
        return frozenset(plugin_manager.enabled_names(session))


class LiveApp:
    """An ASGI app serving the litestar app built for the plugins enabled right now."""

    def __init__(self, settings: Settings, *, engine: Engine | None = None) -> None:
        self.settings = settings
        self.engine = engine or make_server_engine(settings)
        self.capacity = RequestCapacity(settings.db_pool_size)
        self.mutex = threading.Lock()
        self.wake = threading.Event()
        self.stop = threading.Event()
        self.started = False
        self.serving, self.app = self._build()

    def _build(self) -> tuple[frozenset[str] | None, Any]:
        from kht.web.app import create_app

        try:
            names: frozenset[str] | None = enabled_in(self.engine)
        except Exception:  # not initialised yet: create_app says so
            names = None
        app = create_app(self.settings, engine=self.engine, capacity=self.capacity, live=self)
        return names, app

    def refresh(self) -> bool:
        """Build the app again if the enabled plugins changed since the current build; True
        when it did. Safe to call from any thread; one build at a time."""
        with self.mutex:
            if enabled_in(self.engine) == self.serving:
                return False
            self.serving, self.app = self._build()
        log.info("plugins changed: now serving %s", ", ".join(sorted(self.serving or ())))
        return True

    def _watch(self) -> None:
        while not self.stop.is_set():
            self.wake.wait(self.settings.plugin_check_seconds)
            self.wake.clear()
            if self.stop.is_set():
                return
            try:
                self.refresh()
            except Exception:
                log.exception("checking the enabled plugins failed")

    def _listen(self, url: str) -> None:
        import redis

        while not self.stop.is_set():
            try:
                with redis.Redis.from_url(url) as client, client.pubsub() as pubsub:
                    pubsub.subscribe(_channel(self.settings))
                    for message in pubsub.listen():
                        if message.get("type") == "message":
                            self.wake.set()
                        if self.stop.is_set():
                            return
            except Exception:
                log.warning("lost Redis (plugin changes): trying again in a second")
                self.wake.set()  # look now, in case a message was missed
                self.stop.wait(1)

    def start_watching(self) -> None:
        """Start the watching threads (once; the first ASGI call does it)."""
        from kht.jobs.worker import redis_url

        with self.mutex:
            if self.started:
                return
            self.started = True
        threading.Thread(target=self._watch, name="kht-plugins-watch", daemon=True).start()
        url = redis_url(self.settings)
        if url:
            threading.Thread(
                target=self._listen, args=(url,), name="kht-plugins-listen", daemon=True
            ).start()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if not self.started:
            self.start_watching()
        await self.app(scope, receive, send)


__all__ = ["LiveApp", "announce_plugins_changed"]
