"""Action rules the input Struct cannot express: a plan has a due time, a meeting link is web."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from kht.errors import ValidationError


def check_meeting_url(url: str) -> str:
    """`url` trimmed if it is an http(s) address (empty is allowed), else a 422.

    The link is shown as a button: a `javascript:` or `data:` address would run in the page.
    """
    url = url.strip()
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise ValidationError("meeting_url must be an http:// or https:// address", "meeting_url")
    return url


def check_action(values: dict[str, Any], current: Any = None) -> dict[str, Any]:
    """Check an action's new values (`current`: the action being changed, if any).

    A planned action without a due time would show in no agenda and no calendar, so a plan
    needs one; an edit that touches neither status nor due time leaves older ones alone.
    """
    if "status" in values or "due_at" in values:
        status = values.get("status", getattr(current, "status", None))
        due_at = values["due_at"] if "due_at" in values else getattr(current, "due_at", None)
        if status == "planned" and due_at is None:
            raise ValidationError("a planned action needs a due time (due_at)", "due_at")
    if "meeting_url" in values:
        values["meeting_url"] = check_meeting_url(values["meeting_url"] or "")
    return values
