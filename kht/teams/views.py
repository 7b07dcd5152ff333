"""The Team block's forms on record pages: add (or change) and remove a member."""

from __future__ import annotations

from typing import Any

from litestar import post
from litestar.params import FromPath, URLEncodedBody
from litestar.response import Redirect

from kht.contacts.ui import text
from kht.context import RequestCtx
from kht.teams import service
from kht.web.i18n import N_

BASE = "/record-teams/{kind:str}/{record_id:int}"
# Service messages the error page shows, so the catalog translates them.
MESSAGES = (N_("access must be read or edit"),)


def _back(data: dict[str, Any]) -> str:
    target = text(data, "next")
    return target if target.startswith("/") and not target.startswith("//") else "/"


@post(f"{BASE}/add", sync_to_thread=True, include_in_schema=False)
def add_from_panel(
    ctx: RequestCtx, kind: FromPath[str], record_id: FromPath[int], data: URLEncodedBody[dict]
) -> Redirect:
    # No user chosen is 0, which the service refuses (422 user_id) after checking the
    # record: out of scope stays a 404 whatever the form holds.
    chosen = text(data, "user_id")
    user_id = int(chosen) if chosen.isdigit() else 0
    role, access = text(data, "role"), text(data, "access") or "read"
    service.add_member(ctx, kind, record_id, user_id, role=role, access=access)
    return Redirect(_back(data), status_code=303)


@post(f"{BASE}/{{user_id:int}}/remove", sync_to_thread=True, include_in_schema=False)
def remove_from_panel(
    ctx: RequestCtx,
    kind: FromPath[str],
    record_id: FromPath[int],
    user_id: FromPath[int],
    data: URLEncodedBody[dict],
) -> Redirect:
    service.remove_member(ctx, kind, record_id, user_id)
    return Redirect(_back(data), status_code=303)


ROUTES = [add_from_panel, remove_from_panel]
