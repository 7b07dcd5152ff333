"""Turning text into search tokens, and queries into safe FTS5 / tsquery expressions.

Both databases only match whole tokens (or token prefixes), so substring search in
Chinese works by indexing every two-character window of a CJK run: 清华同方 becomes
`清华 华同 同方`, and the query 华同方 becomes the phrase `华同 同方` (consecutive tokens),
which matches exactly where the text contains 华同方. Latin words are lower-cased tokens
matched by prefix. Names also get pinyin tokens (qinghuatongfang, qhtf) so people can
type what they hear; phone numbers get their digit tails so any 4+ digits of a number
match. Every token contains only letters and digits, so quoting them cannot be escaped.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from pypinyin import lazy_pinyin
from pypinyin.seg.mmseg import seg

__all__ = [
    "Query",
    "fts5_expression",
    "normalise",
    "parse_query",
    "phone_tokens",
    "pinyin_tokens",
    "text_tokens",
    "tsquery_expression",
]

# Scripts written without spaces: Han (with extensions), kana, hangul.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0002ffff"
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")
# A CJK run, or a run of other letters/digits (no underscore: FTS5 splits on it).
_RUNS = re.compile(f"([{_CJK}]+)|((?:(?![{_CJK}])[^\\W_])+)")
_NOT_DIGIT = re.compile(r"\D")

MIN_PHONE_TAIL = 4  # shorter digit tails would match half the database
MAX_PHONE_DIGITS = 20
MAX_PINYIN_CHARS = 32  # pinyin of the first 32 Han characters of a name
MAX_QUERY_CHARS = 100
MAX_QUERY_TERMS = 8


def normalise(text: str) -> str:
    """Full-width forms folded (ＡＢＣ１２３ → abc123), lower-cased."""
    return unicodedata.normalize("NFKC", text).lower()


def _runs(text: str) -> list[tuple[str, bool]]:
    """(run, is_cjk) pairs in order."""
    return [(m.group(1) or m.group(2), m.group(1) is not None) for m in _RUNS.finditer(text)]


def _bigrams(run: str) -> list[str]:
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def text_tokens(text: str | None) -> list[str]:
    """Latin words lower-cased, CJK runs as consecutive bigrams (a lone character as itself)."""
    if not text:
        return []
    tokens: list[str] = []
    for run, cjk in _runs(normalise(text)):
        tokens.extend(_bigrams(run) if cjk else [run])
    return tokens


def phone_tokens(text: str | None) -> list[str]:
    """The words of a phone number plus every tail of 4+ of its digits.

    A prefix match on a tail is a substring match on the number, so 0909, 62780909 and
    01062780909 all find 010-6278 0909.
    """
    if not text:
        return []
    digits = _NOT_DIGIT.sub("", normalise(text))[-MAX_PHONE_DIGITS:]
    tails = [digits[i:] for i in range(len(digits) - MIN_PHONE_TAIL + 1)]
    return text_tokens(text) + tails


def pinyin_tokens(text: str | None) -> list[str]:
    """Pinyin of a name's Han characters, full and initials, from each syllable on.

    清华同方 gives qinghuatongfang, huatongfang, tongfang and qhtf, htf, tf, so a prefix
    match finds both the start of a name and any part of it.
    """
    han = "".join(_HAN.findall(normalise(text or "")))[:MAX_PINYIN_CHARS]
    if not han:
        return []
    full = [s for word in seg.cut(han) for s in _word_pinyin(word) if s.isascii() and s.isalpha()]
    initials = [s[0] for s in full]
    tokens: list[str] = []
    for syllables in (full, initials):
        last = max(1, len(syllables) - 1)  # a lone trailing syllable matches too much
        tokens += ["".join(syllables[i:]) for i in range(last)]
    return [t for t in tokens if t]


@lru_cache(maxsize=65536)
def _word_pinyin(word: str) -> tuple[str, ...]:
    # pypinyin reads each word of its segmentation on its own, so reading the words of
    # `seg.cut` gives the same syllables as the whole name; the words repeat (有限公司,
    # 科技, city names), so caching them makes an import's pinyin about 7x cheaper.
    return tuple(lazy_pinyin(word, errors="ignore"))


@dataclass(frozen=True)
class Query:
    """A parsed query: every part must match (AND)."""

    phrases: list[list[str]] = field(default_factory=list)  # CJK runs of 2+ as bigram phrases
    chars: list[str] = field(default_factory=list)  # lone CJK characters (matched with LIKE)
    words: list[str] = field(default_factory=list)  # Latin words and numbers, as prefixes
    text: str = ""  # the normalised query, for ranking exact and prefix title matches

    @property
    def empty(self) -> bool:
        return not (self.phrases or self.chars or self.words)

    @property
    def indexed(self) -> bool:
        """Whether some part can use the full-text index (not only lone characters)."""
        return bool(self.phrases or self.words)


def parse_query(q: str | None) -> Query:
    """Split what a user typed into phrases, lone characters and words; syntax is ignored.

    Quotes, `*`, `-`, `^`, `:`, OR, NEAR and friends are punctuation or plain words here.
    """
    text = normalise(q or "").strip()[:MAX_QUERY_CHARS]
    phrases: list[list[str]] = []
    chars: list[str] = []
    words: list[str] = []
    for run, cjk in _runs(text)[:MAX_QUERY_TERMS]:
        if not cjk:
            words.append(run)
        elif len(run) == 1:
            chars.append(run)
        else:
            phrases.append(_bigrams(run))
    return Query(phrases=phrases, chars=chars, words=words, text=" ".join(text.split()))


def _quoted(token: str, mark: str = '"') -> str:
    return mark + token.replace(mark, mark + mark) + mark


def fts5_expression(query: Query) -> str | None:
    """The FTS5 MATCH expression of the indexed parts: quoted phrases AND quoted prefixes."""
    parts = [_quoted(" ".join(p)) for p in query.phrases]
    parts += [_quoted(w) + "*" for w in query.words]
    return " AND ".join(parts) or None


def tsquery_expression(query: Query) -> str | None:
    """The PostgreSQL to_tsquery text: every bigram and `'w':*` prefix, ANDed.

    Phrases are not written with `<->`: a GIN index cannot check positions, so PostgreSQL
    would rebuild the tsvector of every candidate row (seconds over a common phrase). The
    caller keeps the bigrams in order by also asking for them in the tokens text.
    """
    parts = [_quoted(t, "'") for p in query.phrases for t in p]
    parts += [_quoted(w, "'") + ":*" for w in query.words]
    return " & ".join(parts) or None
