"""Templates keep data and code out of HTML attributes.

JSON holds double quotes: put inside a double-quoted attribute it ends the attribute, the
component never starts, and a form posted without its script lost every quote line. Under
the Content-Security-Policy, inline handlers (`onclick=`, `javascript:` URLs) and inline
`<script>` code do not run at all, so templates must not use them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(
    p for base in ("kht", "plugins") for p in (ROOT / base).rglob("templates/**/*.html")
)
SCRIPT_BODY = re.compile(r"(<script\b[^>]*>)(.*?)(</script>)", re.S | re.I)
JINJA_TAG = re.compile(r"\{%.*?%\}|\{#.*?#\}", re.S)
TOJSON = re.compile(r"\{\{[^}]*\|\s*tojson[^}]*\}\}")
INLINE_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I | re.S)
JS_URL = re.compile(r"""=\s*["']\s*javascript:""", re.I)


def _name(path: Path) -> str:
    return str(path.relative_to(ROOT))


def _blank_script_bodies(source: str) -> str:
    """The template with every <script> body blanked (JSON blocks are the right place)."""
    return SCRIPT_BODY.sub(lambda m: m.group(1) + " " * len(m.group(2)) + m.group(3), source)


def _inside_a_tag(source: str, position: int) -> bool:
    before = source[:position]
    return before.rfind("<") > before.rfind(">")


def test_there_are_templates_to_check():
    assert len(TEMPLATES) > 50


@pytest.mark.parametrize("path", TEMPLATES, ids=_name)
def test_json_is_never_rendered_inside_an_html_attribute(path):
    source = _blank_script_bodies(JINJA_TAG.sub("", path.read_text(encoding="utf-8")))
    misplaced = [m.group(0) for m in TOJSON.finditer(source) if _inside_a_tag(source, m.start())]
    assert not misplaced, f"JSON inside an attribute (use a JSON <script> block): {misplaced}"


@pytest.mark.parametrize("path", TEMPLATES, ids=_name)
def test_no_inline_script_code_or_handlers(path):
    source = JINJA_TAG.sub("", path.read_text(encoding="utf-8"))
    inline = [
        m.group(0)[:60]
        for m in SCRIPT_BODY.finditer(source)
        if m.group(2).strip() and "application/json" not in m.group(1)
    ]
    assert not inline, f"inline <script> code (move it to a static file): {inline}"
    assert not INLINE_HANDLER.search(source), "an inline on…= handler (use a listener)"
    assert not JS_URL.search(source), "a javascript: URL (use a listener)"
