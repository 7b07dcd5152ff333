"""Column mapping: file headers to fields, auto-matched, checked, and remembered per layout."""

from __future__ import annotations

import hashlib
import re
import unicodedata

from sqlalchemy import select
from sqlalchemy.orm import Session

from kht.errors import ValidationError
from kht.importing.kinds import Target
from kht.jobs.models import ImportMapping

Mapping = dict[str, str]  # header -> target key ("" = ignored)
_NOISE = re.compile(r"[\s_\-*:：.。()（）\[\]【】]+")
_REQUIRED_MARKS = ("(必填)", "（必填）", "必填", "(required)", "required")


def normalise_header(text: str) -> str:
    """A header as compared: full-width folded, lower case, no spaces, marks or punctuation."""
    folded = unicodedata.normalize("NFKC", text).strip().lower()
    for mark in _REQUIRED_MARKS:
        folded = folded.replace(mark, "")
    return _NOISE.sub("", folded)


def signature(headers: list[str]) -> str:
    """The layout of a file: sha256 of its normalised headers, in order."""
    joined = "\x1f".join(normalise_header(h) for h in headers)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()


def _names_of(target: Target) -> list[str]:
    names = [target.key, target.label_zh, target.label_en, *target.aliases]
    if target.custom is not None:
        names.append(target.custom.name)
    return [normalise_header(n) for n in names if n]


def auto_map(targets: list[Target], headers: list[str]) -> Mapping:
    """Each header matched to the target whose key, labels or aliases it names (first wins)."""
    index: dict[str, str] = {}
    # Labels and keys first, aliases after, so "电话" means phone even if another kind of
    # field lists it as an alias.
    for target in targets:
        for name in _names_of(target)[:3]:
            index.setdefault(name, target.key)
    for target in targets:
        for name in _names_of(target)[3:]:
            index.setdefault(name, target.key)
    mapping: Mapping = {}
    used: set[str] = set()
    for header in headers:
        key = index.get(normalise_header(header), "")
        mapping[header] = "" if key in used else key
        used.add(key)
    return mapping


def check_mapping(targets: list[Target], headers: list[str], mapping: Mapping) -> Mapping:
    """A complete mapping for `headers`: known targets only, each at most once, required ones set.

    Headers missing from `mapping` are ignored; unknown headers or targets are 422 errors
    naming them.
    """
    known = {t.key: t for t in targets}
    result: Mapping = {}
    used: dict[str, str] = {}
    for header, key in mapping.items():
        if header not in headers:
            raise ValidationError(f"the file has no column {header!r}", f"mapping.{header}")
        key = (key or "").strip()
        if key and key not in known:
            raise ValidationError(
                f"unknown field {key!r} for column {header!r}", f"mapping.{header}"
            )
        if key and key in used:
            raise ValidationError(
                f"columns {used[key]!r} and {header!r} are both mapped to {key!r}",
                f"mapping.{header}",
            )
        if key:
            used[key] = header
        result[header] = key
    for header in headers:
        result.setdefault(header, "")
    missing = [t.key for t in targets if t.required and t.custom is None and t.key not in used]
    if missing:
        raise ValidationError(f"map a column to the required field {missing[0]!r}", missing[0])
    return result


def remembered(session: Session, kind: str, layout: str) -> Mapping | None:
    """The mapping last used for this kind and file layout, if any."""
    row = session.scalar(
        select(ImportMapping)
        .where(ImportMapping.kind == kind, ImportMapping.signature == layout)
        .order_by(ImportMapping.id.desc())
        .limit(1)
    )
    return dict(row.mapping) if row is not None else None


def remember(session: Session, kind: str, layout: str, mapping: Mapping) -> None:
    """Store `mapping` for this kind and layout (replacing the one stored before)."""
    row = session.scalar(
        select(ImportMapping).where(ImportMapping.kind == kind, ImportMapping.signature == layout)
    )
    if row is None:
        session.add(ImportMapping(kind=kind, signature=layout, mapping=dict(mapping)))
    else:
        row.mapping = dict(mapping)
    session.flush()


def propose(
    session: Session, kind: str, targets: list[Target], headers: list[str]
) -> tuple[Mapping, bool]:
    """The remembered mapping for this layout if there is a usable one, else an automatic one."""
    stored = remembered(session, kind, signature(headers))
    if stored is not None:
        try:
            return check_mapping(targets, headers, stored), True
        except ValidationError:
            pass  # fields changed since it was stored: fall back to matching again
    return auto_map(targets, headers), False


__all__ = [
    "Mapping",
    "auto_map",
    "check_mapping",
    "normalise_header",
    "propose",
    "remember",
    "remembered",
    "signature",
]
