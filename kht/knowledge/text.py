"""An article's HTML made safe to store, and read as plain text (for search and diffs)."""

from __future__ import annotations

import html
import re

import nh3

# Block ends become line breaks, so a paragraph or a list item is a line of its own.
_BLOCK_END = re.compile(r"<br\s*/?>|</(?:p|div|li|h[1-6]|tr|blockquote|pre)>", re.IGNORECASE)
_BLANKS = re.compile(r"\n\s*\n+")


def sanitise(body: str) -> str:
    """HTML a page may show: nh3's allow-list (no scripts, styles, event handlers, forms)."""
    return nh3.clean(body or "", link_rel="noopener noreferrer nofollow")


def plain_text(body: str) -> str:
    """The words of an article's HTML, a line per paragraph, list item or heading."""
    marked = _BLOCK_END.sub("\n", body or "")
    text = html.unescape(nh3.clean(marked, tags=set()))
    lines = (line.strip() for line in text.splitlines())
    return _BLANKS.sub("\n\n", "\n".join(lines)).strip()
