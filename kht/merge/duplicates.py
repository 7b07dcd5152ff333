"""Finding likely duplicates: same phone, same email, or nearly the same normalised name.

Names, phones and emails are normalised by kht.normalise, as for a lead's duplicate check
and an import's natural keys.

Candidates are blocked before they are compared (same phone, same email, or the same first two
characters of the normalised name), so the fuzzy comparison runs inside small groups rather
than over every pair.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable

import msgspec
from rapidfuzz import fuzz, process

from kht.normalise import normalise_email, normalise_name, phone_key

NAME_RATIO = 90  # rapidfuzz ratio (0-100) from which two normalised names count as the same
# A phone or email shared by more records than this is a switchboard or a shared mailbox.
MAX_GROUP = 50


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
        for phone in set(filter(None, map(phone_key, item.phones))):
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
