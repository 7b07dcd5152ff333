"""When two records name the same company, person, phone number or email: the one comparison.

A lead's duplicate check (kht.leads.duplicates), the duplicate finder before a merge
(kht.merge.duplicates) and an import's natural keys (kht.importing) all compare through these
functions, so what one of them takes for the same number or name the others do too.

- Names: NFKC-folded, case-folded, company suffixes (有限公司, 集团, Co., Ltd., Inc., ...)
  and punctuation removed. A suffix alone stays a name; a Latin suffix counts only as a
  separate word (`Costco` keeps its `co`).
- Phone numbers: parsed with `phonenumbers` (region CN): a Chinese number compares by its
  national number (+86, 0086, the 0 trunk prefix and separators dropped), another country's
  keeps its country code. Numbers of fewer than MIN_PHONE_DIGITS digits do not count.
- Emails: trimmed and lower case; text without `@` is no address.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import phonenumbers
from sqlalchemy import func, literal_column

MIN_PHONE_DIGITS = 7  # shorter numbers (extensions, 95588-style hotlines) match too much
# What `phone_digits_sql` drops; migration 0009 indexes the same expression.
PHONE_SEPARATORS = ("-", " ", "(", ")", "+", ".")
# What `name_sql` drops: the punctuation company names carry in practice (the database
# cannot apply `normalise_name`, so it narrows by this and Python confirms).
NAME_SEPARATORS = (
    " ",
    ".",
    ",",
    "-",
    "(",
    ")",
    "（",
    "）",
    "，",
    "、",
    "·",
    "&",
    "'",
    "/",
    "_",
    "%",
)
_LATIN_SUFFIX = re.compile(
    r"[\s,.()（）]+(?:co\.?,?\s*ltd\.?|co\.?,?\s*limited|inc\.?|llc\.?|l\.l\.c\.?|ltd\.?|"
    r"limited|corp\.?|corporation|company|gmbh|plc|co\.?)\s*$"
)
_CJK_SUFFIX = re.compile(r"(?:股份有限公司|有限责任公司|集团有限公司|有限公司|集团|公司)$")
_NOT_WORD = re.compile(r"[\W_]+")
_NOT_DIGIT = re.compile(r"\D")


def _strip_suffixes(pattern: re.Pattern[str], text: str, trailing: str) -> str:
    """Remove `pattern` at the end while something is left ("X Group Co., Ltd.")."""
    while True:
        found = pattern.search(text)
        if found is None or found.start() == 0:
            return text
        text = text[: found.start()].rstrip(trailing)


def normalise_name(name: str | None) -> str:
    """`上海华东电器集团有限公司` → `上海华东电器`, `Acme Co., Ltd.` → `acme`, `张 伟` → `张伟`."""
    text = unicodedata.normalize("NFKC", name or "").casefold().strip(" \t.,，。、;；")
    text = _strip_suffixes(_LATIN_SUFFIX, text, " \t.,，。、;；")
    return _strip_suffixes(_CJK_SUFFIX, _NOT_WORD.sub("", text), "")


def name_sql(column: Any) -> Any:
    """A column's name lower case without NAME_SEPARATORS: starts with `normalise_name` of it
    for the names people type (the database narrows, `normalise_name` confirms)."""
    expr = func.lower(column)
    for separator in NAME_SEPARATORS:
        expr = func.replace(expr, separator, "")
    return expr


def parse_phone(raw: str | None) -> tuple[str, str] | None:
    """(comparison key, national digits) of a phone number; None without a usable number.

    The key of a Chinese number is its national number, another country's is
    `+<country code><national number>`; text phonenumbers cannot read compares by its digits.
    """
    text = unicodedata.normalize("NFKC", raw or "").strip()
    digits = _NOT_DIGIT.sub("", text)
    if len(digits) < MIN_PHONE_DIGITS:
        return None
    try:
        number = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException:
        return digits, digits
    national = phonenumbers.national_significant_number(number)
    if len(national) < MIN_PHONE_DIGITS:
        return None
    if number.country_code == 86:
        return national, national
    return f"+{number.country_code}{national}", national


def phone_key(raw: str | None) -> str | None:
    """The comparison key of a phone number (None when there is no usable number)."""
    parsed = parse_phone(raw)
    return parsed[0] if parsed else None


def phone_forms(key: str) -> set[str]:
    """The spellings, without PHONE_SEPARATORS, under which a number of this key is stored."""
    if key.startswith("+"):
        return {key[1:], f"00{key[1:]}"}
    return {key, f"0{key}", f"86{key}", f"0086{key}"}


def phone_digits_sql(column: Any) -> Any:
    """A phone column without PHONE_SEPARATORS (the expression migration 0009 indexes)."""
    expr = column
    for separator in PHONE_SEPARATORS:
        # Constants, not bound parameters: only then can the database use the expression
        # index of migration 0009 (same expression, same constants).
        expr = func.replace(expr, literal_column(f"'{separator}'"), literal_column("''"))
    return expr


def is_mobile(raw: str | None) -> bool:
    """Whether a number is a mobile one (where the numbering plan tells)."""
    try:
        number = phonenumbers.parse(raw or "", "CN")
    except phonenumbers.NumberParseException:
        return False
    kinds = (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)
    return phonenumbers.number_type(number) in kinds


def normalise_email(email: str | None) -> str:
    """Trimmed and lower case; '' when it is not an address."""
    text = (email or "").strip().lower()
    return text if "@" in text else ""
