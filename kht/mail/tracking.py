"""Signed links in mass mail: the open pixel, tracked links and the unsubscribe link.

Every link names the recipient by a token `<recipient id>-<signature>`; the signature is an
HMAC under a key derived from the instance key (KHT_SECRET_KEY) with its own label, so a
token cannot be made up or moved to another recipient. A tracked link also carries the
signature of its target: the redirect goes only to a URL kht itself put in that mail (no
open redirect), and only to http(s).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import re
from urllib.parse import quote, urlsplit

from kht.config import Settings
from kht.errors import KhtError

PURPOSE = b"kht mail tracking"
# A URL in the text: up to a space, a quote, an angle bracket; trailing punctuation is the
# sentence's, not the link's.
_URL = re.compile(r"https?://[^\s<>\"'）」]+")
_TRAILING = ".,;:!?)]}。，；：！？"


def _key(settings: Settings) -> bytes:
    if not settings.secret_key:  # an empty key would let anyone sign links
        raise KhtError("no instance key: run `kht init` first")
    return hashlib.sha256(PURPOSE + b"\0" + settings.secret_key.encode()).digest()


def _sign(settings: Settings, text: str) -> str:
    digest = hmac.new(_key(settings), text.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:16]).decode().rstrip("=")


def token_for(settings: Settings, recipient_id: int) -> str:
    """The recipient's token for its links: its id and the id's signature."""
    return f"{recipient_id}-{_sign(settings, f'r:{recipient_id}')}"


def recipient_of(settings: Settings, token: str) -> int | None:
    """The recipient id a token names, None when the token is not one kht signed."""
    number, _, signature = token.partition("-")
    if not number.isdigit() or len(number) > 12:
        return None
    expected = _sign(settings, f"r:{int(number)}")
    return int(number) if hmac.compare_digest(expected, signature) else None


def link_signature(settings: Settings, recipient_id: int, url: str) -> str:
    return _sign(settings, f"c:{recipient_id}:{url}")


def target_of(settings: Settings, recipient_id: int, url: str, signature: str) -> str | None:
    """`url` when kht signed it for this recipient and it is http(s), else None."""
    if urlsplit(url).scheme not in ("http", "https"):
        return None
    expected = link_signature(settings, recipient_id, url)
    return url if hmac.compare_digest(expected, signature) else None


class Links:
    """The URLs of one recipient's mail."""

    def __init__(self, settings: Settings, recipient_id: int) -> None:
        self.settings = settings
        self.recipient_id = recipient_id
        self.base = settings.public_url.rstrip("/")
        self.token = token_for(settings, recipient_id)

    @property
    def unsubscribe(self) -> str:
        return f"{self.base}/m/u/{self.token}"

    @property
    def pixel(self) -> str:
        return f"{self.base}/m/o/{self.token}.gif"

    def tracked(self, url: str) -> str:
        signature = link_signature(self.settings, self.recipient_id, url)
        return f"{self.base}/m/c/{self.token}?u={quote(url, safe='')}&s={signature}"


def _split_url(match: re.Match[str]) -> tuple[str, str]:
    url = match.group(0)
    bare = url.rstrip(_TRAILING)
    return bare, url[len(bare) :]


def tracked_text(text: str, links: Links) -> str:
    """The plain-text part: every http(s) URL through its tracked link, except the
    unsubscribe link (it must work as it is)."""

    def swap(match: re.Match[str]) -> str:
        url, rest = _split_url(match)
        return (url if url == links.unsubscribe else links.tracked(url)) + rest

    return _URL.sub(swap, text)


def tracked_html(text: str, links: Links) -> str:
    """The HTML part made from the text: escaped, line breaks kept, URLs as tracked links,
    and the open pixel at the end."""
    parts: list[str] = []
    last = 0
    for match in _URL.finditer(text):
        url, rest = _split_url(match)
        parts.append(html.escape(text[last : match.start()]))
        href = url if url == links.unsubscribe else links.tracked(url)
        parts.append(f'<a href="{html.escape(href)}">{html.escape(url)}</a>{html.escape(rest)}')
        last = match.end()
    parts.append(html.escape(text[last:]))
    body = "".join(parts).replace("\n", "<br>\n")
    pixel = f'<img src="{html.escape(links.pixel)}" width="1" height="1" alt="">'
    return f"<!DOCTYPE html>\n<html><body><div>{body}</div>{pixel}</body></html>\n"
