"""Checks every request passes before any handler (core or plugin) sees it.

Integer path and query parameters stay in the range every id column holds. An id or page
beyond the column's range does not fail politely in the database: SQLite
cannot bind an integer of 2^63 or more, PostgreSQL refuses more than 2^31 - 1 for an
`integer` column and overflows the OFFSET of a page near 2^62. One guard, run before any
handler of the app, refuses such a value with a 422 naming the parameter, so no handler
needs its own check and a new route is covered the day it is added.

Text parameters and JSON bodies carry no NUL character (PostgreSQL refuses one even in a
search), and a JSON operation reads only a JSON body: text/plain gets a 415.
"""

from __future__ import annotations

import re
from typing import Any

import msgspec
from litestar import Request
from litestar.connection import ASGIConnection
from litestar.enums import RequestEncodingType
from litestar.handlers import BaseRouteHandler
from litestar.params import BodyKwarg, ParameterKwarg
from litestar.typing import FieldDefinition

from kht.db.text import NUL, nul_refused
from kht.errors import UnsupportedMediaType, ValidationError
from kht.types import MAX_ID

_INTEGER = re.compile(r"[+-]?\d+")
_CHECKED: dict[Any, dict[str, str]] = {}  # handler function -> {parameter: query key}


def _is_int(field: FieldDefinition) -> bool:
    types = field.inner_types if (field.is_optional or field.is_collection) else (field,)
    return any(t.is_subclass_of(int) and not t.is_subclass_of(bool) for t in types)


def _query_key(name: str, field: FieldDefinition) -> str:
    kwarg = field.kwarg_definition
    return (kwarg.query or name) if isinstance(kwarg, ParameterKwarg) else name


def int_parameters(handler: BaseRouteHandler) -> dict[str, str]:
    """The handler's integer parameters: name -> the query key it is read from."""
    key = handler.fn  # the function, not the handler: litestar hands guards short-lived copies
    if key not in _CHECKED:
        fields = handler.parsed_fn_signature.parameters
        _CHECKED[key] = {
            name: _query_key(name, field) for name, field in fields.items() if _is_int(field)
        }
    return _CHECKED[key]


def _refuse(name: str) -> ValidationError:
    return ValidationError(f"{name} must be a whole number from -{MAX_ID} to {MAX_ID}", name)


def _check(name: str, value: Any) -> None:
    if isinstance(value, str):
        if not _INTEGER.fullmatch(value.strip()):
            return  # not a number at all: the handler's own parsing answers that
        value = int(value)
    if isinstance(value, int) and abs(value) > MAX_ID:
        raise _refuse(name)


def _names_an_id(key: str) -> bool:
    # Pages read some values by hand (`/quotes/new?customer_id=`, a list's `?page=`, form
    # fields): by their names, ids and pages are checked there too.
    return key in ("id", "page", "view", "version") or key.endswith(("_id", "_ids"))


def _check_pairs(pairs: Any) -> None:
    for key, value in pairs:
        if not isinstance(value, str):
            continue  # an uploaded file
        if NUL in key or NUL in value:
            raise nul_refused(key.replace(NUL, ""))
        if _names_an_id(key):
            _check(key, value)


def check_parameters(connection: ASGIConnection[Any, Any, Any, Any], handler: Any) -> None:
    """Guard: refuse (422) a NUL in a parameter, or an integer beyond the id column's range."""
    _check_pairs(connection.query_params.multi_items())
    params = int_parameters(handler)
    for name, value in connection.path_params.items():
        if isinstance(value, str) and NUL in value:
            raise nul_refused(name)
        # Handlers built per kind (kht.recordpages) read their `<kind>_id` by hand.
        if name in params or _names_an_id(name):
            _check(name, value)
    if not params:
        return
    query = connection.query_params
    for name, key in params.items():
        if name not in connection.path_params:
            for value in query.getall(key, ()):
                _check(name, value)


def _body_type(handler: Any) -> str | None:
    """The media type the handler reads its `data` body as (None: it reads no body)."""
    field = handler.parsed_fn_signature.parameters.get("data")
    if field is None:
        return None
    kwarg = field.kwarg_definition
    return kwarg.media_type if isinstance(kwarg, BodyKwarg) else RequestEncodingType.JSON


def _is_json(content_type: str) -> bool:
    kind = content_type.split(";")[0].strip().lower()
    return kind == "application/json" or (kind.startswith("application/") and kind[-5:] == "+json")


def _path_of_nul(value: Any, path: str = "") -> str | None:
    """Where in decoded JSON a NUL sits, as `lines[0].name` (the field the error names)."""
    if isinstance(value, str):
        return path if NUL in value else None
    if isinstance(value, dict):
        pairs = [(f"{path}.{key}".lstrip("."), key, item) for key, item in value.items()]
    elif isinstance(value, list):
        pairs = [(f"{path}[{index}]", "", item) for index, item in enumerate(value)]
    else:
        return None
    for inner, key, item in pairs:
        found = inner.replace(NUL, "") if NUL in key else _path_of_nul(item, inner)
        if found:
            return found
    return None


async def check_body(connection: ASGIConnection[Any, Any, Any, Any], handler: Any) -> None:
    """Guard: a JSON operation gets a JSON body (else 415) with no NUL in it (else 422); a
    form's fields carry no NUL and no id beyond range (else 422)."""
    if not isinstance(connection, Request):
        return
    body_type = _body_type(handler)
    if body_type == RequestEncodingType.URL_ENCODED:
        _check_pairs((await connection.form()).multi_items())
    elif body_type == RequestEncodingType.JSON:
        await _check_json(connection)


async def _check_json(connection: Request[Any, Any, Any]) -> None:
    content_type = connection.headers.get("content-type")
    if content_type and not _is_json(content_type):
        raise UnsupportedMediaType(f"the body must be application/json, not {content_type}")
    body = await connection.body()
    if b"\\u0000" not in body.lower() and b"\x00" not in body:
        return
    try:
        decoded = msgspec.json.decode(body)
    except (msgspec.DecodeError, RecursionError):
        return  # malformed: litestar's own parsing answers
    raise nul_refused(_path_of_nul(decoded, "") or "body")
