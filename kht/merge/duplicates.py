"""Finding likely duplicates: same phone, same email, or nearly the same normalised name.

Candidates are blocked before they are compared (same phone, same email, or the same first two
characters of the normalised name), so the fuzzy comparison runs inside small groups rather
than over every pair.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable

import msgspec
from rapidfuzz import fuzz, process

NAME_RATIO = 90  # rapidfuzz ratio (0-100) from which two normalised names count as the same
MIN_PHONE_DIGITS = 7  # shorter numbers (extensions, typos) match too much to mean anything
# A phone or email shared by more records than this is a switchboard or a shared mailbox.
MAX_GROUP = 50
_LATIN_SUFFIX = re.compile(
    r"(?:^|[\s,.()（）])(?:co\.?,?\s*ltd\.?|co\.?,?\s*limited|inc\.?|llc\.?|l\.l\.c\.?|ltd\.?|"
    r"limited|corp\.?|corporation|company|gmbh|co\.?)\s*$"
)
_CJK_SUFFIX = re.compile(r"(?:股份有限公司|有限责任公司|集团有限公司|有限公司|集团|公司)$")
_NOT_WORD = re.compile(r"[\W_]+")


def normalise_name(name: str) -> str:
    """Casefolded, full-width folded, company suffixes and punctuation removed.

    "Northwind Traders Co., Ltd." and "northwind traders" normalise alike, as do
    "华东电器集团有限公司" and "华东电器".
    """
    text = unicodedata.normalize("NFKC", name or "").casefold().strip()
    text = _strip_all(_LATIN_SUFFIX, text, " ,.")
    return _strip_all(_CJK_SUFFIX, _NOT_WORD.sub("", text), "")


def _strip_all(pattern: re.Pattern[str], text: str, trailing: str) -> str:
    """Remove `pattern` at the end until it no longer matches ("X Group Co., Ltd.")."""
    previous = None
    while text != previous:
        previous = text
        text = pattern.sub("", text).rstrip(trailing)
    return text


def normalise_phone(phone: str) -> str:
    """Digits only, without a +86/0086 country code or the 0 trunk prefix; '' if too short.

    "+86 10 6278 0909", "0086-10-62780909" and "010-62780909" all give "1062780909".
    """
    raw = unicodedata.normalize("NFKC", phone or "").strip()
    digits = re.sub(r"\D", "", raw)
    if digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and (raw.startswith("+") or len(digits) == 13):
        digits = digits[2:]
    digits = digits.removeprefix("0")
    return digits if len(digits) >= MIN_PHONE_DIGITS else ""


def normalise_email(email: str) -> str:
    """Lower-cased and trimmed; '' when it is not an address."""
    text = (email or "").strip().lower()
    return text if "@" in text else ""


class Candidate(msgspec.Struct, frozen=True, kw_only=True):
    """One record as the duplicate finder sees it: its id and the keys compared.

    Names are only compared within one `group` (contacts: their customer), so two people
    called 张伟 at different companies are not taken for one.
    """

    id: int
    name: str
    phones: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    group: int | None = None


class Pair(msgspec.Struct, kw_only=True):
    """Two records that look like one: the reasons (`phone`, `email`, `name`) and a score."""

    a_id: int
    b_id: int
    reasons: list[str]
    score: int


def _exact_groups(candidates: list[Candidate]) -> Iterable[tuple[str, list[int]]]:
    by_key: dict[tuple[str, str], list[int]] = defaultdict(list)
    for item in candidates:
        for phone in set(filter(None, map(normalise_phone, item.phones))):
            by_key[("phone", phone)].append(item.id)
        for email in set(filter(None, map(normalise_email, item.emails))):
            by_key[("email", email)].append(item.id)
    for (reason, _), ids in by_key.items():
        if 1 < len(ids) <= MAX_GROUP:
            yield reason, ids


def _name_pairs(
    names: dict[int, str], groups: dict[int, int | None]
) -> Iterable[tuple[int, int, int]]:
    """(a, b, ratio) of records whose normalised names are nearly equal, block by block."""
    blocks: dict[tuple[int | None, str], list[int]] = defaultdict(list)
    for record_id, name in names.items():
        if name:
            blocks[(groups[record_id], name[:2])].append(record_id)
    for ids in blocks.values():
        if len(ids) > 1:
            yield from _block_pairs(sorted(ids, key=lambda i: (len(names[i]), i)), names)


def _block_pairs(ids: list[int], names: dict[int, str]) -> Iterable[tuple[int, int, int]]:
    """Compare each name with the longer ones it can still reach; `ids` sorted by length.

    A ratio of NAME_RATIO or more needs 2·short / (short + long) ≥ NAME_RATIO / 100, so
    only a window of lengths after each name has to be scored.
    """
    choices = [names[i] for i in ids]
    lengths = [len(name) for name in choices]
    for index, name in enumerate(choices[:-1]):
        longest = lengths[index] * (200 - NAME_RATIO) // NAME_RATIO
        end = bisect_right(lengths, longest, lo=index + 1)
        window = choices[index + 1 : end]
        found = process.extract(
            name, window, scorer=fuzz.ratio, score_cutoff=NAME_RATIO, limit=None
        )
        for _, score, position in found:
            yield ids[index], ids[index + 1 + position], round(score)


def find_pairs(candidates: list[Candidate], limit: int = 100) -> list[Pair]:
    """Likely duplicate pairs among `candidates`, the strongest (most reasons, score) first."""
    pairs: dict[tuple[int, int], Pair] = {}

    def note(a: int, b: int, reason: str, score: int) -> None:
        key = (min(a, b), max(a, b))
        pair = pairs.setdefault(key, Pair(a_id=key[0], b_id=key[1], reasons=[], score=0))
        if reason not in pair.reasons:
            pair.reasons.append(reason)
        pair.score = max(pair.score, score)

    for reason, ids in _exact_groups(candidates):
        for i, a in enumerate(ids):
            for b in ids[i + 1 :]:
                note(a, b, reason, 100)
    names = {item.id: normalise_name(item.name) for item in candidates}
    groups = {item.id: item.group for item in candidates}
    for a, b, score in _name_pairs(names, groups):
        note(a, b, "name", score)
    ordered = sorted(pairs.values(), key=lambda p: (-len(p.reasons), -p.score, p.a_id, p.b_id))
    return ordered[:limit]
