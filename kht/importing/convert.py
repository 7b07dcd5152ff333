"""Turning a row's text cells into the values a service takes, per mapped field.

Only what text cannot say is converted here (choices by their Chinese or English label,
lists, yes/no, users and customers by name, dates written 2024/1/5); everything else is
passed on as text for the service to validate, so the rules are the service's own.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import or_, select

from kht.auth.models import User
from kht.context import Ctx
from kht.db.custom_fields import choice_for_text
from kht.errors import KhtError, ValidationError
from kht.importing.extras import LIST_SPLIT, split_tags, user_by_login_or_name
from kht.importing.kinds import ImportKind, Target
from kht.importing.mapping import Mapping

CellError = tuple[str, str, str]  # (column header, cell value, message)
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T].*)?$")
_TRUE = {"true", "yes", "y", "1", "是", "对", "√", "✓", "t"}
_FALSE = {"false", "no", "n", "0", "否", "不", "×", "✗", "f"}


class CellProblem(Exception):
    """A cell that cannot become a value; the message goes into the error report."""


def to_date(text: str) -> date:
    """2024-01-05, 2024/1/5, 2024.1.5 or 2024年1月5日 as a date."""
    found = _DATE.match(text.strip())
    if not found:
        raise CellProblem(f"{text!r} is not a date (YYYY-MM-DD)")
    try:
        return date(*(int(part) for part in found.groups()))
    except ValueError:
        raise CellProblem(f"{text!r} is not a valid date") from None


def _choice(target: Target, text: str) -> str:
    labels = {k.casefold(): v for k, v in target.choice_labels.items()}
    labels.update({c.casefold(): c for c in target.choices})
    value = labels.get(text.casefold())
    if value is None:
        raise CellProblem(f"{text!r} is not one of: {choice_names(target)}")
    return value


def choice_names(target: Target) -> str:
    """The choices with their first other label, e.g. `company (公司), person (个人)`."""
    names = []
    for choice in target.choices:
        other = next(
            (k for k, v in target.choice_labels.items() if v == choice and k != choice), ""
        )
        names.append(f"{choice} ({other})" if other else choice)
    return ", ".join(names)


def _custom_choice(target: Target, text: str) -> str:
    """The key of a custom choice given as its key or its label in either language."""
    choices = target.custom.choices if target.custom is not None else target.choices
    found = choice_for_text(choices, text)
    return text if found is None else found  # unknown: the service names the choices


def _boolean(text: str) -> bool | str:
    folded = text.casefold()
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    return text


def _number(text: str) -> str:
    return text.replace(",", "").replace("¥", "").replace("￥", "").replace(" ", "")


class Converter:
    """Converts rows for one import: the mapping, resolvers and a cache of looked-up names."""

    def __init__(
        self,
        ctx: Ctx,
        kind: ImportKind,
        targets: list[Target],
        headers: list[str],
        mapping: Mapping,
    ) -> None:
        self.ctx = ctx
        self.kind = kind
        by_key = {t.key: t for t in targets}
        # Positions come from the header list: a stored mapping (JSONB) keeps no key order.
        self.columns = [
            (position, header, by_key[mapping[header]])
            for position, header in enumerate(headers)
            if mapping.get(header) in by_key
        ]
        self.header_of = {target.key: header for _, header, target in self.columns}
        self.cache: dict[tuple[str, str], Any] = {}

    def convert(self, cells: list[str]) -> tuple[dict[str, Any], list[CellError]]:
        """The row's values ({key: value, ext: {ns: {name: value}}}) and its cell errors."""
        values: dict[str, Any] = {}
        errors: list[CellError] = []
        for position, header, target in self.columns:
            text = cells[position].strip() if position < len(cells) else ""
            if not text:
                continue
            try:
                value = self._value(target, text)
            except CellProblem as problem:
                errors.append((header, text, str(problem)))
                continue
            if target.custom is not None:
                values.setdefault("ext", {}).setdefault(target.custom.namespace, {})[
                    target.custom.name
                ] = value
            else:
                values[target.key] = value
        return values, errors

    def shown(self, cells: list[str]) -> dict[str, str]:
        """The mapped cells as text, by field key (for the preview)."""
        return {
            target.key: cells[position].strip() if position < len(cells) else ""
            for position, _, target in self.columns
        }

    def column_of(self, field: str | None) -> str:
        """The header a service error's field came from ("" when the file has no such column)."""
        if not field:
            return ""
        return self.header_of.get(field) or self.header_of.get(field.split("[")[0], "")

    def _value(self, target: Target, text: str) -> Any:
        kind = target.type
        if target.custom is None:
            if kind == "choice":
                return _choice(target, text)
            if kind == "date":
                return to_date(text)
            if kind == "ref":
                return self._cached(target.key, text, self._resolver(target))
            if kind == "owner":
                return self._owner(text)
            if kind == "tags":
                return split_tags(text)
            return text
        return self._custom(target, text)

    def _custom(self, target: Target, text: str) -> Any:
        kind = target.type
        if kind in ("number", "money"):
            return _number(text)
        if kind == "date":
            try:
                return to_date(text).isoformat()
            except CellProblem:
                return text  # the service reports it as "must be a date"
        if kind == "single_choice":
            return _custom_choice(target, text)
        if kind == "multi_choice":
            return [_custom_choice(target, item) for item in LIST_SPLIT.split(text) if item]
        if kind == "boolean":
            return _boolean(text)
        if kind == "user":
            return self._cached("user", text, self._user)
        return text

    def _owner(self, text: str) -> int:
        owner = self._cached("owner", text, user_by_login_or_name)
        module = self.kind.spec.module
        if owner != self.ctx.user_id and not self.ctx.user.can(module, "assign"):
            raise CellProblem("you may not give records to other users (no assign permission)")
        return owner

    def _resolver(self, target: Target) -> Callable[[Ctx, str], int]:
        resolver = self.kind.resolvers.get(target.key)
        if resolver is None:
            raise CellProblem(f"{target.key} cannot be imported from text")
        return resolver

    def _cached(self, what: str, text: str, resolve: Callable[[Ctx, str], Any]) -> Any:
        key = (what, text)
        if key not in self.cache:
            try:
                self.cache[key] = resolve(self.ctx, text)
            except KhtError as exc:
                self.cache[key] = CellProblem(exc.message)
        found = self.cache[key]
        if isinstance(found, CellProblem):
            raise found
        return found

    @staticmethod
    def _user(ctx: Ctx, text: str) -> int:
        condition = or_(User.login == text, User.name == text)
        if text.isdigit():
            condition = or_(condition, User.id == int(text))
        ids = list(ctx.session.scalars(select(User.id).where(condition, User.active).limit(2)))
        if len(ids) != 1:
            raise ValidationError(
                f"no user {text!r}" if not ids else f"several users match {text!r}"
            )
        return ids[0]


__all__ = ["CellError", "CellProblem", "Converter", "to_date"]
