"""One error shape for the API, friendly pages for the UI, and no traceback for anyone."""

from __future__ import annotations

import logging
import re
from typing import Any

import msgspec
from litestar import Litestar, MediaType, Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.datastructures import ResponseSpec
from litestar.response import Template
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm.exc import StaleDataError

from kht.errors import KhtError

log = logging.getLogger("kht.web")

CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "too_many_requests",
    500: "server_error",
    503: "busy",
}


class ErrorBody(msgspec.Struct):
    """Every API error, e.g. `{"status": 422, "code": "validation_error", "message": "...",
    "field": "email"}`; `field` names the offending input when there is one."""

    status: int
    code: str
    message: str
    field: str | None


# The statuses any operation may answer with (its own success status is documented by it).
DOCUMENTED = {
    400: "The request is malformed (a body that is no JSON, nested too deep...)",
    401: "No valid credentials",
    403: "Permitted to see, not to do this",
    404: "Missing, deleted or out of the caller's scope",
    409: "A stale version or a clash with stored data",
    413: "The body or upload is too large",
    415: "The body is not of a media type the operation reads",
    422: "Invalid input; `field` names the offending field",
    429: "Too many attempts; try again later",
    503: "Busy: a lock or a connection was waited for too long; try again (Retry-After)",
}


def document_errors(app: Litestar) -> None:
    """Describe the real error body on every operation of the OpenAPI document.

    Litestar would describe its own `{status_code, detail}` shape, which kht never sends.
    """
    specs = {
        status: ResponseSpec(data_container=ErrorBody, description=text, generate_examples=False)
        for status, text in DOCUMENTED.items()
    }
    for route in app.routes:
        for handler in getattr(route, "route_handlers", ()):
            if isinstance(handler, HTTPRouteHandler):
                handler.responses = {**specs, **(handler.responses or {})}


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/healthz"


def error_response(
    request: Request, status: int, message: str, field: str | None = None, code: str | None = None
) -> Response[Any]:
    """Render an error as JSON under /api, as the error page elsewhere."""
    code = code or CODES.get(status, "error")
    if _wants_json(request):
        body = {"status": status, "code": code, "message": message, "field": field}
        return Response(body, status_code=status, media_type=MediaType.JSON)
    from kht.web.pages import page_context

    context = page_context(request, status=status, message=message, field=field)
    return Template("error.html", context=context, status_code=status)


def _field_of(extra: Any) -> str | None:
    # msgspec reports e.g. "Object missing required field `name` - at `$.ext`".
    if isinstance(extra, list) and extra and isinstance(extra[0], dict):
        key = extra[0].get("key")
        return str(key) if key else None
    return None


_NAMED_FIELD = re.compile(r"(?:unknown|missing required) field `([^`]+)`")


def _validation_message(exc: ValidationException) -> tuple[str, str | None]:
    extra = exc.extra
    if isinstance(extra, list) and extra and isinstance(extra[0], dict):
        message = str(extra[0].get("message") or exc.detail)
        named = _NAMED_FIELD.search(message)
        # An unknown (owner, version...) or missing field is named by the message itself.
        return message, named.group(1) if named else _field_of(extra)
    return str(exc.detail), None


def handle_kht_error(request: Request, exc: KhtError) -> Response[Any]:
    return error_response(request, exc.status, exc.message, exc.field, exc.code)


def handle_validation(request: Request, exc: ValidationException) -> Response[Any]:
    message, field = _validation_message(exc)
    # A body that does not match the declared type is unprocessable, not merely bad.
    return error_response(request, 422, message, field, "validation_error")


def handle_http(request: Request, exc: HTTPException) -> Response[Any]:
    status = exc.status_code
    if status >= 500:
        log.error("HTTP %s on %s %s: %s", status, request.method, request.url.path, exc.detail)
        return error_response(request, status, "internal error")
    return error_response(request, status, str(exc.detail))


_AT_PATH = re.compile(r" - at `\$\.([^`]+)`$")


def handle_msgspec(request: Request, exc: msgspec.ValidationError) -> Response[Any]:
    # A conversion inside a handler or service (msgspec.convert): the same 422 as a body error.
    message = str(exc)
    at = _AT_PATH.search(message)
    field = at.group(1).split("[")[0].split(".")[0] if at else None
    return error_response(request, 422, message, field, "validation_error")


def handle_recursion(request: Request, exc: RecursionError) -> Response[Any]:
    # msgspec gives up on JSON nested thousands deep ("[[[[..."): a malformed body, not a bug.
    log.info("too deeply nested input on %s %s", request.method, request.url.path)
    return error_response(request, 400, "the body is nested too deeply")


def handle_unexpected(request: Request, exc: Exception) -> Response[Any]:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return error_response(request, 500, "internal error; it has been logged")


def handle_integrity(request: Request, exc: IntegrityError) -> Response[Any]:
    # A unique value taken or a referenced row missing: the input clashes with stored data.
    # Services check the common cases by name; this keeps the rare rest from being a 500.
    log.info("integrity error on %s %s: %s", request.method, request.url.path, exc.orig)
    return error_response(
        request,
        409,
        "the change clashes with existing data "
        "(a value that must be unique, or a record that does not exist)",
    )


def handle_stale(request: Request, exc: StaleDataError) -> Response[Any]:
    # Two writers passed the version check at once; the version column stopped the second.
    log.info("stale write on %s %s: %s", request.method, request.url.path, exc)
    return error_response(request, 409, "the record was changed by someone else; reload it")


# Waiting too long for another transaction's lock (PostgreSQL lock_timeout, SQLite's busy
# timeout) or for a statement: retrying soon may succeed, so 503 with Retry-After.
BUSY = {"55P03": "lock", "57014": "statement"}
# The database chose this transaction as the loser of a deadlock or serialisation conflict.
CONFLICT_STATES = frozenset({"40001", "40P01"})
BUSY_MESSAGES = {
    "lock": "another change to the same data is still in progress; try again in a moment",
    "statement": "the database took too long to answer; try again in a moment",
    "pool": "the server is busy; try again in a moment",
}


def _busy(request: Request, reason: str) -> Response[Any]:
    response = error_response(request, 503, BUSY_MESSAGES[reason], code="busy")
    response.headers["Retry-After"] = "1"
    return response


def handle_operational(request: Request, exc: OperationalError) -> Response[Any]:
    state = getattr(exc.orig, "sqlstate", None)
    if state in CONFLICT_STATES:
        log.info("write conflict on %s %s: %s", request.method, request.url.path, exc.orig)
        return error_response(
            request, 409, "a concurrent change clashed with this one; reload and try again"
        )
    if state in BUSY or "database is locked" in str(exc.orig):
        log.warning("waited too long on %s %s: %s", request.method, request.url.path, exc.orig)
        return _busy(request, BUSY.get(state, "lock"))
    log.error("database error on %s %s: %s", request.method, request.url.path, exc.orig)
    return error_response(request, 503, "the database is unavailable; try again later", code="busy")


def handle_pool_timeout(request: Request, exc: PoolTimeout) -> Response[Any]:
    log.warning("no database connection for %s %s: %s", request.method, request.url.path, exc)
    return _busy(request, "pool")


EXCEPTION_HANDLERS = {
    OperationalError: handle_operational,
    PoolTimeout: handle_pool_timeout,
    IntegrityError: handle_integrity,
    StaleDataError: handle_stale,
    KhtError: handle_kht_error,
    msgspec.ValidationError: handle_msgspec,
    RecursionError: handle_recursion,
    ValidationException: handle_validation,
    HTTPException: handle_http,
    Exception: handle_unexpected,
}
