"""Reading a raw mail: headers, addresses, bodies and attachments, Chinese charsets included.

The standard library's `email` with `policy.default` parses the message. Chinese mail often
declares GB2312 while using characters only GBK/GB18030 have, and some mailers put raw 8-bit
GBK in headers: text declared as any GB charset is therefore decoded as GB18030 (a superset),
Big5 as Big5-HKSCS, and header words are decoded by hand with the same rule. A charset that
is unknown or wrong falls back to charset-normaliser's guess, so a body never fails to read.
"""

from __future__ import annotations

import email
import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.header import decode_header
from email.message import EmailMessage, Message
from email.utils import getaddresses, parsedate_to_datetime

import nh3
from charset_normalizer import from_bytes

_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "euc-cn": "gb18030",
    "big5": "big5hkscs",
    "x-big5": "big5hkscs",
    "cp950": "big5hkscs",
}
_MESSAGE_ID = re.compile(r"<[^<>\s]+>")


def charset_of(name: str | None) -> str:
    """The codec to decode text declared as `name` with (its superset for GB and Big5)."""
    name = (name or "").strip().strip('"').lower()
    return _SUPERSETS.get(name, name or "utf-8")


def decode_text(data: bytes, declared: str | None) -> str:
    """Bytes in the declared charset as text; a wrong or unknown charset is guessed instead."""
    codec = charset_of(declared)
    try:
        return data.decode(codec)
    except (LookupError, UnicodeDecodeError):
        pass
    for codec in ("utf-8", "gb18030"):
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            continue
    guess = from_bytes(data).best()
    return str(guess) if guess is not None else data.decode("utf-8", "replace")


def header_text(raw: str | None) -> str:
    """A header's text: encoded words (=?GB2312?B?...?=) and raw 8-bit bytes decoded."""
    if not raw:
        return ""
    parts = []
    for chunk, charset in decode_header(raw):
        if isinstance(chunk, str):
            try:
                # Undecoded 8-bit bytes come back as surrogate escapes: read them as GB/UTF-8.
                chunk, charset = chunk.encode("ascii", "surrogateescape"), None
            except UnicodeEncodeError:  # already text
                parts.append(chunk)
                continue
        parts.append(decode_text(chunk, charset))
    return re.sub(r"\s+", " ", "".join(parts)).strip()


@dataclass
class Part:
    """An attachment: its file name, declared type and bytes."""

    filename: str
    content_type: str
    data: bytes


@dataclass
class Parsed:
    """What kht keeps of a mail."""

    message_id: str
    subject: str
    from_address: str
    from_name: str
    to: list[str]
    cc: list[str]
    sent_at: datetime
    in_reply_to: str
    references: list[str]
    text: str
    html: str
    attachments: list[Part] = field(default_factory=list)

    @property
    def addresses(self) -> list[str]:
        """Every address the mail names (sender, To, Cc), lower case, once each."""
        return list(dict.fromkeys(a for a in [self.from_address, *self.to, *self.cc] if a))


def _addresses(raw: Message, name: str) -> list[tuple[str, str]]:
    values = [header_text(value) for value in raw.get_all(name, [])]
    return [(n, a.strip().lower()) for n, a in getaddresses(values) if "@" in a]


def _ids(value: str) -> list[str]:
    return _MESSAGE_ID.findall(value or "")


def _when(value: str | None, fallback: datetime) -> datetime:
    try:
        when = parsedate_to_datetime(value) if value else None
    except (TypeError, ValueError, IndexError):
        when = None
    if when is None:
        return fallback
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def _part_text(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    return decode_text(payload, part.get_content_charset())


def sanitise_html(html: str) -> str:
    """HTML a page may show: nh3's allow-list (no scripts, styles, event handlers, forms)."""
    return nh3.clean(html, link_rel="noopener noreferrer nofollow")


def _remote(value: str) -> bool:
    return value.strip().lower().startswith(("http:", "https:", "//"))


def block_remote_images(html: str) -> tuple[str, bool]:
    """`html` without remote image sources (they would tell the sender the mail was read),
    and whether there were any."""
    found = False

    def keep(tag: str, attribute: str, value: str) -> str | None:
        nonlocal found
        if tag == "img" and attribute in ("src", "srcset") and _remote(value):
            found = True
            return None
        return value

    return nh3.clean(html, attribute_filter=keep, link_rel="noopener noreferrer nofollow"), found


def parse(raw_bytes: bytes, *, received: datetime) -> Parsed:
    """Parse a raw RFC 5322 message. A mail without a Message-ID gets one from its bytes'
    digest, so fetching it again finds the stored copy."""
    message = email.message_from_bytes(raw_bytes, policy=policy.default)
    assert isinstance(message, EmailMessage)
    # The same bytes read without decoding, for headers in charsets the policy gets wrong.
    legacy = email.message_from_bytes(raw_bytes, policy=policy.compat32)
    ids = _ids(header_text(legacy.get("Message-ID")))
    message_id = ids[0] if ids else f"<kht-{hashlib.sha256(raw_bytes).hexdigest()[:40]}@local>"
    sender = _addresses(legacy, "From")
    text, html = "", ""
    body = message.get_body(preferencelist=("plain",))
    if body is not None:
        text = _part_text(body)
    rich = message.get_body(preferencelist=("html",))
    if rich is not None:
        html = sanitise_html(_part_text(rich))
    if not text and html:
        text = nh3.clean(html, tags=set()).strip()
    attachments = []
    for part in message.iter_attachments():
        data = part.get_payload(decode=True)
        if not isinstance(data, bytes) or not data:
            continue
        filename = header_text(part.get_filename() or "") or "attachment"
        attachments.append(Part(filename, part.get_content_type(), data))
    return Parsed(
        message_id=message_id[:500],
        subject=header_text(legacy.get("Subject"))[:500],
        from_address=sender[0][1] if sender else "",
        from_name=(sender[0][0] if sender else "")[:200],
        to=[a for _, a in _addresses(legacy, "To")],
        cc=[a for _, a in _addresses(legacy, "Cc")],
        sent_at=_when(legacy.get("Date"), received),
        in_reply_to=(_ids(legacy.get("In-Reply-To", "")) or [""])[0][:500],
        references=_ids(legacy.get("References", "")),
        text=text,
        html=html,
        attachments=attachments,
    )
