"""UI languages: Babel catalogs (compiled from the .po files at start-up) and negotiation."""

from __future__ import annotations

from functools import cache
from io import BytesIO
from pathlib import Path

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
LANGUAGES = ("zh_CN", "en")
LANGUAGE_COOKIE = "kht_lang"


@cache
def translations(language: str) -> NullTranslations:
    """The catalog of `language`, compiled in memory from its .po file (no stale .mo files)."""
    po_file = LOCALE_DIR / language / "LC_MESSAGES" / "messages.po"
    if not po_file.is_file():
        return NullTranslations()
    with po_file.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer)


def negotiate(accept_language: str | None, default: str) -> str:
    """Pick zh_CN or en from an Accept-Language header, else `default`."""
    if not accept_language:
        return default
    preferred = []
    for part in accept_language.split(","):
        tag = part.split(";")[0].strip().replace("-", "_")
        if tag and tag != "*":
            preferred.append(tag)
    chosen = Locale.negotiate(preferred, list(LANGUAGES), sep="_", aliases={"zh": "zh_CN"})
    return str(chosen) if chosen else default


def normalise(language: str | None) -> str | None:
    """`language` if it is a supported UI language, else None."""
    return language if language in LANGUAGES else None
