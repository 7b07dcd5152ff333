"""Custom-field definitions and the validation of values stored in a record's `ext` column.

Values live in the JSON column `ext` as {namespace: {field: value}}: the namespace `custom`
holds the fields administrators define (rows of `custom_fields`), and each plugin has its own
namespace for the fields it declares through `kht_register_fields`. Both are described by the
same `FieldDef`, so forms, lists, filters and exports treat them alike.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

import msgspec
from sqlalchemy import JSON, Boolean, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kht.db.base import Base, IdMixin, utcnow
from kht.emails import clean_email
from kht.errors import ValidationError

ADMIN_NAMESPACE = "custom"

FieldType = Literal[
    "text",
    "long_text",
    "number",
    "money",
    "date",
    "single_choice",
    "multi_choice",
    "user",
    "boolean",
    "phone",
    "email",
    "url",
]
FIELD_TYPES: tuple[str, ...] = FieldType.__args__  # type: ignore[attr-defined]
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
# Custom numbers and amounts stay within what Numeric(18, 2) and a float hold exactly enough.
MAX_AMOUNT = Decimal("1e16")


class Choice(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """One choice of a choice field: the stable `key` stored in `ext`, shown as its label.

    Keys never change once records hold them (a data migration renames them if they must);
    labels may be reworded at any time.
    """

    key: str
    label_zh: str
    label_en: str

    def label(self, language: str) -> str:
        return self.label_zh if language.startswith("zh") else self.label_en


ChoiceSpec = str | Choice


def choice_key(choice: ChoiceSpec) -> str:
    """What is stored for `choice` (a plain str is its own key)."""
    return choice if isinstance(choice, str) else choice.key


def choice_keys(choices: tuple[ChoiceSpec, ...]) -> tuple[str, ...]:
    """The stored keys of `choices`, in order."""
    return tuple(choice_key(c) for c in choices)


def choice_label(choices: tuple[ChoiceSpec, ...], value: Any, language: str) -> Any:
    """The label of a stored value in `language` (the value itself when it is no choice)."""
    for choice in choices:
        if isinstance(choice, Choice) and choice.key == value:
            return choice.label(language)
    return value


def choice_for_text(choices: tuple[ChoiceSpec, ...], text: str) -> str | None:
    """The key a person's text means: a key or a label in either language, any case."""
    folded = text.strip().casefold()
    for choice in choices:
        names = (
            [choice] if isinstance(choice, str) else [choice.key, choice.label_zh, choice.label_en]
        )
        if any(name.casefold() == folded for name in names):
            return choice_key(choice)
    return None


class FieldDef(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """One field on a kind of record (`customer`, `contact`, `lead`, ...).

    `choices` (single and multi choice fields) are `Choice(key=..., label_zh=..., label_en=...)`
    or plain strings. A record stores the key; forms, lists, record pages, history and
    exports show the label in the reader's language; imports accept the key or either label.
    A plain string is a choice whose key is its label (administrators' custom fields).

    `namespace` says where the value lives: `custom` (administrators' fields) or a plugin's
    name under `ext`; the empty namespace is a built-in column of the kind's model (a field
    of `RecordKind.fields`), whose key is its name.
    """

    name: str
    type: FieldType
    label_zh: str
    label_en: str
    required: bool = False
    choices: tuple[ChoiceSpec, ...] = ()
    namespace: str = ADMIN_NAMESPACE
    position: int = 0
    help: str = ""

    @property
    def key(self) -> str:
        """The dotted path used in errors, filters and column names: `ext.<namespace>.<name>`,
        or the bare name of a built-in column."""
        return f"ext.{self.namespace}.{self.name}" if self.namespace else self.name

    def label(self, language: str) -> str:
        return self.label_zh if language.startswith("zh") else self.label_en

    @property
    def choice_keys(self) -> tuple[str, ...]:
        """The values a record may store (the keys of `choices`)."""
        return choice_keys(self.choices)

    def choice_label(self, value: Any, language: str) -> Any:
        """A stored choice's label in `language` (an unknown value is returned as it is)."""
        return choice_label(self.choices, value, language)

    def shown(self, value: Any, language: str) -> Any:
        """A stored value with its choices as labels (a list stays a list); others unchanged."""
        if not self.choices:
            return value
        if isinstance(value, list):
            return [self.choice_label(item, language) for item in value]
        return self.choice_label(value, language)


class CustomField(IdMixin, Base):
    """An administrator-defined field; retired fields stay so their stored values keep a label."""

    __tablename__ = "custom_fields"
    __table_args__ = (UniqueConstraint("kind", "name", name="uq_custom_fields_kind_name"),)

    kind: Mapped[str] = mapped_column(String(40), index=True)
    name: Mapped[str] = mapped_column(String(63))
    type: Mapped[str] = mapped_column(String(20))
    label_zh: Mapped[str] = mapped_column(String(100))
    label_en: Mapped[str] = mapped_column(String(100))
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    choices: Mapped[list[str]] = mapped_column(JSON, default=list)
    position: Mapped[int] = mapped_column(Integer, default=0)
    help: Mapped[str] = mapped_column(String(500), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def to_def(self) -> FieldDef:
        return FieldDef(
            name=self.name,
            type=self.type,
            label_zh=self.label_zh,  # type: ignore[arg-type]
            label_en=self.label_en,
            required=self.required,
            choices=tuple(self.choices or ()),
            namespace=ADMIN_NAMESPACE,
            position=self.position,
            help=self.help,
        )


_URL = re.compile(r"^https?://[^\s/$.?#].[^\s]*$", re.IGNORECASE)
_PHONE = re.compile(r"^\+?[0-9][0-9 ()\-]{4,30}$")


def _text(field: FieldDef, value: Any) -> str:
    if not isinstance(value, str):
        raise ValidationError(f"{field.key} must be text", field.key)
    limit = 10000 if field.type == "long_text" else 500
    if len(value) > limit:
        raise ValidationError(f"{field.key} is longer than {limit} characters", field.key)
    return value


def _number(field: FieldDef, value: Any) -> int | float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValidationError(f"{field.key} must be a number", field.key)
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ValidationError(f"{field.key} must be a number", field.key) from None
    if not number.is_finite() or abs(number) >= MAX_AMOUNT:
        raise ValidationError(f"{field.key} must be a finite number below {MAX_AMOUNT}", field.key)
    return int(number) if number == number.to_integral_value() else float(number)


def _money(field: FieldDef, value: Any) -> str:
    # Stored as a decimal string: JSON numbers would pass through float and lose cents.
    if isinstance(value, bool) or not isinstance(value, int | str | Decimal):
        raise ValidationError(f'{field.key} must be an amount such as "1234.50"', field.key)
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise ValidationError(
            f'{field.key} must be an amount such as "1234.50"', field.key
        ) from None
    # The size first: rounding a number of more than 28 digits raises instead of rounding.
    if not amount.is_finite() or abs(amount) >= MAX_AMOUNT:
        raise ValidationError(f"{field.key} must be an amount below {MAX_AMOUNT}", field.key)
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError(f"{field.key} must have at most two decimals", field.key)
    return str(amount.quantize(Decimal("0.01")))


def _date(field: FieldDef, value: Any) -> str:
    try:
        return date.fromisoformat(value).isoformat()
    except (TypeError, ValueError):
        raise ValidationError(f"{field.key} must be a date (YYYY-MM-DD)", field.key) from None


def _single(field: FieldDef, value: Any) -> str:
    keys = field.choice_keys
    if not isinstance(value, str) or value not in keys:
        raise ValidationError(f"{field.key} must be one of: {', '.join(keys)}", field.key)
    return value


def _multi(field: FieldDef, value: Any) -> list[str]:
    keys = field.choice_keys
    if not isinstance(value, list) or any(
        not isinstance(item, str) or item not in keys for item in value
    ):
        raise ValidationError(f"{field.key} must be a list of: {', '.join(keys)}", field.key)
    return list(dict.fromkeys(value))


def _user(field: FieldDef, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValidationError(f"{field.key} must be a user id", field.key)
    return value


def _boolean(field: FieldDef, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValidationError(f"{field.key} must be true or false", field.key)
    return value


def _email(field: FieldDef, value: Any) -> str:
    # The same rule as the built-in email fields of customers, contacts and leads.
    if not isinstance(value, str):
        raise ValidationError(f"{field.key} must be an email address", field.key)
    return clean_email(value, field.key)


def _pattern(pattern: re.Pattern[str], what: str):  # noqa: ANN202
    def check(field: FieldDef, value: Any) -> str:
        if not isinstance(value, str) or not pattern.match(value.strip()):
            raise ValidationError(f"{field.key} must be {what}", field.key)
        return value.strip()

    return check


_CHECKS = {
    "text": _text,
    "long_text": _text,
    "number": _number,
    "money": _money,
    "date": _date,
    "single_choice": _single,
    "multi_choice": _multi,
    "user": _user,
    "boolean": _boolean,
    "phone": _pattern(_PHONE, "a phone number"),
    "email": _email,
    "url": _pattern(_URL, "an http(s) URL"),
}


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def validate_ext(
    fields: list[FieldDef], current: dict[str, Any], changes: dict[str, Any]
) -> dict[str, Any]:
    """Merge `changes` ({namespace: {name: value}}) into `current` and validate the result.

    Unknown namespaces or fields, wrong types, values outside the choices and missing required
    fields raise ValidationError naming the field (`ext.<namespace>.<name>`). Values of fields
    that are no longer defined (retired, or a disabled plugin's) are kept untouched.
    """
    if not isinstance(changes, dict):
        raise ValidationError("ext must be an object of {namespace: {field: value}}", "ext")
    by_key = {(f.namespace, f.name): f for f in fields}
    merged = {ns: dict(values) for ns, values in (current or {}).items()}
    for namespace, values in changes.items():
        if not isinstance(values, dict):
            raise ValidationError(f"ext.{namespace} must be an object", f"ext.{namespace}")
        for name, value in values.items():
            field = by_key.get((namespace, name))
            if field is None:
                raise ValidationError(
                    f"ext.{namespace}.{name} is not a known field", f"ext.{namespace}.{name}"
                )
            bucket = merged.setdefault(namespace, {})
            if _is_empty(value):
                bucket.pop(name, None)
            else:
                bucket[name] = _CHECKS[field.type](field, value)
    for field in fields:
        if field.required and _is_empty(merged.get(field.namespace, {}).get(field.name)):
            raise ValidationError(f"{field.key} is required", field.key)
    return {ns: values for ns, values in merged.items() if values}


def check_definition(field: FieldDef) -> None:
    """Reject a malformed definition (bad name, choice field without choices)."""
    if not NAME_PATTERN.match(field.name):
        raise ValidationError("name must start with a letter and use only a-z, 0-9 and _", "name")
    if field.type in {"single_choice", "multi_choice"} and not field.choices:
        raise ValidationError("a choice field needs at least one choice", "choices")
