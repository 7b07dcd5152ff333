"""Signed links in mass mail (the open pixel, tracked links and the unsubscribe link) and in
tracked personal mail (the pixel and tracked links).

Every link names the recipient by a token `<recipient id>-<signature>` (a personal mail:
`p<mail id>-<signature>`, signed under another label, so neither passes for the other);
the signature is an HMAC under a key derived from the instance key (KHT_SECRET_KEY) with
its own label, so a token cannot be made up or moved to another recipient. A tracked link
also carries the signature of its target: the redirect goes only to a URL kht itself put
in that mail (no open redirect), and only to http(s).
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


MASS, PERSONAL = "", "p"  # a token's prefix: a mass mail recipient, a personal mail


def token_for(settings: Settings, recipient_id: int, prefix: str = MASS) -> str:
    """The recipient's (or personal mail's) token for its links: its id and its signature."""
    return f"{prefix}{recipient_id}-{_sign(settings, f'{prefix}r:{recipient_id}')}"


def recipient_of(settings: Settings, token: str, prefix: str = MASS) -> int | None:
    """The id a token of that prefix names, None when the token is not one kht signed."""
    if not token.startswith(prefix):
        return None
    number, _, signature = token.removeprefix(prefix).partition("-")
    if not number.isdigit() or len(number) > 12:
        return None
    expected = _sign(settings, f"{prefix}r:{int(number)}")
    return int(number) if hmac.compare_digest(expected, signature) else None


def link_signature(settings: Settings, recipient_id: int, url: str, prefix: str = MASS) -> str:
    return _sign(settings, f"{prefix}c:{recipient_id}:{url}")


def target_of(
    settings: Settings, recipient_id: int, url: str, signature: str, prefix: str = MASS
) -> str | None:
    """`url` when kht signed it for this recipient and it is http(s), else None."""
    if urlsplit(url).scheme not in ("http", "https"):
        return None
    expected = link_signature(settings, recipient_id, url, prefix)
    return url if hmac.compare_digest(expected, signature) else None


class Links:
    """The URLs of one recipient's mail (`prefix` PERSONAL: of one personal mail)."""

    def __init__(self, settings: Settings, recipient_id: int, prefix: str = MASS) -> None:
        self.settings = settings
        self.recipient_id = recipient_id
        self.prefix = prefix
        self.base = settings.public_url.rstrip("/")
        self.token = token_for(settings, recipient_id, prefix)

    @property
    def unsubscribe(self) -> str:
        return f"{self.base}/m/u/{self.token}"

    @property
    def pixel(self) -> str:
        return f"{self.base}/m/o/{self.token}.gif"

    def tracked(self, url: str) -> str:
        signature = link_signature(self.settings, self.recipient_id, url, self.prefix)
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
