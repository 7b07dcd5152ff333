"""`kht plugins new`: a new, pip-installable plugin pack rendered from kht/plugin_template.

Every file under the template folder ending in `.tmpl` is rendered with `string.Template`
(`${name}`, `${kind}`, ...) to the same relative path without the suffix; a path segment
`NAME` becomes the plugin's name (its Python package).
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Collection
from importlib.util import find_spec
from pathlib import Path
from string import Template

from kht.errors import Conflict, ValidationError
from kht.plugins import ENTRY_POINT_GROUP

TEMPLATE_DIR = Path(__file__).parent / "plugin_template"
SUFFIX = ".tmpl"
# Alembic keeps revision ids in a VARCHAR(32): the first one is "0001_<name>".
MAX_NAME_LENGTH = 27
NAME_PATTERN = re.compile(r"[a-z][a-z0-9_]*")
# Labels go into Python and TOML string literals as they are.
UNSAFE_LABEL = re.compile(r'["\\\x00-\x1f]')


def check_name(name: str, installed: Collection[str]) -> None:
    """Refuse a NAME that cannot be a plugin's name and Python package: not a lowercase
    identifier, too long for its first revision id, or already taken by an installed
    plugin or an importable module."""
    if not NAME_PATTERN.fullmatch(name) or keyword.iskeyword(name):
        raise ValidationError(
            f"{name!r} is not a valid plugin name: use a lowercase Python identifier "
            "(letters, digits and _, starting with a letter), e.g. helpdesk",
            field="name",
        )
    if len(name) > MAX_NAME_LENGTH:
        raise ValidationError(
            f"plugin name {name!r} is too long (at most {MAX_NAME_LENGTH} characters)",
            field="name",
        )
    if name in installed:
        raise Conflict(f"a plugin named {name!r} is already installed")
    # A plain folder of that name (a namespace package, e.g. the pack itself next to the
    # current directory) does not count: only a module that `import name` would load.
    spec = find_spec(name)
    if spec is not None and spec.origin is not None:
        raise Conflict(f"a Python module named {name!r} already exists; choose another name")


def check_label(label: str, field: str) -> None:
    if not label.strip() or UNSAFE_LABEL.search(label):
        raise ValidationError(
            f"{field} must be a non-empty label without quotes, backslashes or line breaks",
            field=field,
        )


def values(name: str, label_zh: str, label_en: str) -> dict[str, str]:
    """What the template files are rendered with."""
    return {
        "name": name,
        "group": ENTRY_POINT_GROUP,
        "label_zh": label_zh,
        "label_en": label_en,
        "kind": f"{name}_entry",
        "plural": f"{name}_entries",
        "table": f"{name}_entries",
    }


def create_pack(
    target: Path,
    name: str,
    *,
    installed: Collection[str] = (),
    label_zh: str | None = None,
    label_en: str | None = None,
) -> list[Path]:
    """Write a new plugin pack `name` into the folder `target` (which must not exist yet);
    the files written, relative to `target`."""
    check_name(name, installed)
    label_en = label_en or name.replace("_", " ").capitalize()
    label_zh = label_zh or label_en
    check_label(label_en, "label_en")
    check_label(label_zh, "label_zh")
    if target.exists():
        raise Conflict(f"{target} already exists; choose another folder with --dir")
    mapping = values(name, label_zh, label_en)
    written = []
    for source in sorted(TEMPLATE_DIR.rglob(f"*{SUFFIX}")):
        relative = source.relative_to(TEMPLATE_DIR).with_suffix("")
        relative = Path(*(name if part == "NAME" else part for part in relative.parts))
        relative = relative.with_name(relative.name.replace("NAME", name))
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        text = Template(source.read_text(encoding="utf-8")).substitute(mapping)
        destination.write_text(text, encoding="utf-8")
        written.append(relative)
    return written
