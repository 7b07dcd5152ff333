"""Tag JSON API."""

from __future__ import annotations

from typing import Any

from litestar import delete, get
from litestar.params import FromPath

from kht.context import RequestCtx
from kht.tags.service import delete_tag, list_tags, tag_out


@get("/api/v1/tags", sync_to_thread=True, tags=["tags"])
def tags(ctx: RequestCtx) -> list[dict[str, Any]]:
    """Every tag; tags are created by tagging records (bulk `tag` or record edits)."""
    return [tag_out(tag) for tag in list_tags(ctx)]


@delete("/api/v1/tags/{tag_id:int}", sync_to_thread=True, tags=["tags"])
def remove_tag(ctx: RequestCtx, tag_id: FromPath[int]) -> None:
    delete_tag(ctx, tag_id)


ROUTES = [tags, remove_tag]
