"""UI languages: Babel catalogs (compiled from the .po files at start-up) and negotiation."""

from __future__ import annotations

from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
LANGUAGES = ("zh_CN", "en")
LANGUAGE_COOKIE = "kht_lang"


def N_(message: str) -> str:  # noqa: N802 - the conventional name babel extracts
    """Mark a message for translation where it is defined; it is translated when shown."""
    return message


# Plugins' own catalogues (`<locale>/<language>/LC_MESSAGES/messages.po`), asked after the
# core's for a message it does not know; registered when plugins are discovered.
_PLUGIN_DIRS: list[Path] = []


def add_catalogues(locale_dir: Path) -> None:
    """Let `_` (pages, panels, menus, `translations()`) find the messages of a plugin's
    `locale_dir`, after the core's own: a plugin adds translations, it never changes the
    core's."""
    if locale_dir not in _PLUGIN_DIRS:
        _PLUGIN_DIRS.append(locale_dir)
        translations.cache_clear()


def _compiled(locale_dir: Path, language: str) -> NullTranslations:
    """The catalog in `locale_dir` for `language`, compiled in memory from its .po file (no
    stale .mo files), or an empty one."""
    po_file = locale_dir / language / "LC_MESSAGES" / "messages.po"
    if not po_file.is_file():
        return NullTranslations()
    with po_file.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer)


@cache
def translations(language: str) -> NullTranslations:
    """The messages of `language`: the core's catalog, then every plugin's."""
    found = _compiled(LOCALE_DIR, language)
    for locale_dir in _PLUGIN_DIRS:
        found.add_fallback(_compiled(locale_dir, language))
    return found


def _weighted(accept_language: str) -> list[str]:
    tags: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept_language.split(",")):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                weight = 0.0
        tags.append((-weight, position, tag.strip().lower()))
    return [tag for _, _, tag in sorted(tags) if tag]


def negotiate(accept_language: str | None, default: str) -> str:
    """Pick zh_CN or en from an Accept-Language header (any zh-* or en-*), else `default`."""
    for tag in _weighted(accept_language or ""):
        if tag.startswith("zh"):
            return "zh_CN"
        if tag.startswith("en"):
            return "en"
    return default


def normalise(language: str | None) -> str | None:
    """`language` if it is a supported UI language, else None."""
    return language if language in LANGUAGES else None
