"""Per-request dependencies: `ctx` is one session, one transaction, committed on success."""

from __future__ import annotations

from collections.abc import AsyncGenerator

from litestar import Request
from litestar.datastructures import State

from kht.context import Ctx
from kht.db.engine import open_session
from kht.web.i18n import LANGUAGE_COOKIE, negotiate, normalise

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SESSION_KEY = "kht.session"  # the request's session, opened by the authentication middleware


def language_of(request: Request) -> str:
    """The UI language: the user's setting, else the language cookie, else Accept-Language."""
    user = request.scope.get("user")
    chosen = normalise(getattr(user, "language", None))
    chosen = chosen or normalise(request.cookies.get(LANGUAGE_COOKIE))
    settings = request.app.state.settings
    return chosen or negotiate(request.headers.get("accept-language"), settings.default_language)


async def provide_ctx(request: Request, state: State) -> AsyncGenerator[Ctx, None]:
    """Open the request's session; commit after the handler, roll back if it raised.

    Safe methods get a read-only session (a deferred transaction on SQLite, so reads never
    queue behind the write lock); anything else takes the write lock up front. Commit,
    rollback and close run on the session threads of the request slots, not on the handler
    threads: a request holding a lock must be able to finish while others wait for it.
    """
    # The session the authentication middleware opened to find the user, if any.
    session = request.scope.pop(SESSION_KEY, None)  # type: ignore[misc]
    if session is None:
        session = open_session(state.session_factory, readonly=request.method in SAFE_METHODS)
    ctx = Ctx(
        session=session,
        settings=state.settings,
        plugins=state.plugins,
        user=request.scope.get("user"),
        language=language_of(request),
    )
    run = state.capacity.run
    try:
        yield ctx
        # GET never changes data, even by accident
        await run(session.rollback if request.method in SAFE_METHODS else session.commit)
    except BaseException:
        await run(session.rollback)
        raise
    finally:
        await run(session.close)
