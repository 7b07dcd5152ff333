"""Running an import: every row validated by the real services, new rows written in batches.

Commit semantics (one rule for the UI, the API, the CLI and the worker):
- by default an import is all-or-nothing: every row is validated and written inside one
  SAVEPOINT; if any row fails, the whole import is rolled back and nothing is written;
- with `commit_valid`, the rows that pass are kept and the failing ones are reported;
- a `dry_run` does everything, counts everything, and rolls it all back.
A row that fails never leaves anything behind: updates run in a SAVEPOINT of their own, and
new rows are checked in Python (the service's `prepare`, custom fields, `kht_validate`) before
they are inserted in batches with the same lifecycle events per row (so the audit log and
plugins see every record). A batch the database refuses is retried row by row through the
kind's `create` service, each in its own SAVEPOINT.

Dedupe compares natural keys (customers: name, phone, email; normalised) with the live
records in the user's scope and with the rows already imported from the same file.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any, Literal

import msgspec
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from kht import record_service as records
from kht.auth.permissions import require
from kht.auth.scope import restrict
from kht.context import Ctx
from kht.db.custom_fields import validate_ext
from kht.errors import KhtError
from kht.events import RecordCreated
from kht.fields import fields_for
from kht.importing.convert import Converter
from kht.importing.extras import apply_extras, join_campaign, split_extras, tag_new_records
from kht.importing.inserts import insert_ids
from kht.importing.kinds import ImportKind, key_forms, key_sql, normalise_key
from kht.importing.readers import Row
from kht.importing.report import KEPT, ErrorReport
from kht.plugins import CORE_PLUGINS

Dedupe = Literal["skip", "update", "create"]
Progress = Callable[[int, int], None]
_MSGSPEC_FIELD = re.compile(r"at `\$\.([\w.]+)|required field `(\w+)`")
# What a row can fail with before it reaches the database (no SAVEPOINT needed yet).
ROW_ERRORS = (KhtError, msgspec.ValidationError)
log = logging.getLogger("kht.importing")


class Options(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """How to run an import: dedupe policy, dry run, and whether to keep the valid rows."""

    dedupe: Dedupe = "skip"
    dry_run: bool = False
    commit_valid: bool = False


class Summary(msgspec.Struct, kw_only=True):
    """What an import did (or, for a dry run or a refused import, would have done)."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    skipped: int = 0
    failed: int = 0
    # Skipped rows and the record each matched: {row, id, name} (the first KEPT of them).
    duplicates: list[dict[str, Any]] = []
    written: bool = False
    dry_run: bool = False
    commit_valid: bool = False
    dedupe: str = "skip"


class _Pending:
    """A new row waiting for its batch insert; `id` is set once it is written.

    `extras` are its owner and tags (kht.importing.extras), applied once it exists.
    """

    __slots__ = ("extras", "id", "number", "values")

    def __init__(self, number: int, values: dict[str, Any], extras: dict[str, Any]) -> None:
        self.number, self.values, self.extras, self.id = number, values, extras, None


def chunks(rows: Iterable[Row], size: int) -> Iterator[list[Row]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def check_permissions(ctx: Ctx, kind: ImportKind, options: Options) -> None:
    """The user must be allowed to import, create and (for updates) edit the kind."""
    module = kind.spec.module
    require(ctx.user, module, "import")
    require(ctx.user, module, "create")
    if options.dedupe == "update":
        require(ctx.user, module, "edit")


class Importer:
    """One run of one import (create it, call `run`)."""

    def __init__(
        self,
        ctx: Ctx,
        kind: ImportKind,
        converter: Converter,
        options: Options,
        report: ErrorReport,
        *,
        progress: Progress | None = None,
        batch_size: int = 500,
        preview: bool = False,
    ) -> None:
        self.ctx, self.kind, self.converter, self.options = ctx, kind, converter, options
        self.report, self.progress, self.batch_size = report, progress, batch_size
        # A preview checks rows as a run would, but writes nothing and notes each row's action.
        self.preview = preview
        self.actions: dict[int, str] = {}
        self.summary = Summary(
            dry_run=options.dry_run, commit_valid=options.commit_valid, dedupe=options.dedupe
        )
        self.fields = fields_for(ctx, kind.kind)
        # Batches skip nothing a row-by-row create checks, except what a plugin's validator
        # might look up in the database (earlier rows of the same batch are not there yet):
        # with a plugin's `kht_validate`, every new row goes through `create` alone. The core
        # modules' validators only guard changes to existing records (stages, totals).
        validators = ctx.hook.kht_validate.get_hookimpls()
        self.bulk = kind.bulk and all(v.plugin_name in CORE_PLUGINS for v in validators)
        self.seen: dict[tuple[str, str], _Pending | int] = {}
        self.pending: list[_Pending] = []
        self.cells: dict[int, list[str]] = {}  # the cells of pending rows, for error reports
        self.matched: list[tuple[int, _Pending | int]] = []  # skipped rows and their match

    def run(self, rows: Iterable[Row], total: int = 0) -> Summary:
        """Import `rows`; commit or roll back by the rules above. Returns the summary."""
        check_permissions(self.ctx, self.kind, self.options)
        outer = self.ctx.session.begin_nested()
        try:
            for chunk in chunks(rows, self.batch_size):
                self._chunk(chunk)
                self._flush()
                if not self.preview:
                    # Written rows are in the database now, where the next chunk's duplicate
                    # lookup finds them: memory stays flat however long the file is.
                    self.seen.clear()
                if self.progress:
                    self.progress(self.summary.rows, max(total, self.summary.rows))
        except BaseException:
            outer.rollback()
            raise
        summary = self.summary
        summary.duplicates = self._duplicates()
        keep = not self.options.dry_run and (self.options.commit_valid or summary.failed == 0)
        summary.written = keep and (summary.created + summary.updated) > 0
        if keep:
            outer.commit()
        else:
            outer.rollback()
        return summary

    # ------------------------------------------------------------------ one chunk of rows

    def _chunk(self, chunk: list[Row]) -> None:
        converted = []
        for number, cells in chunk:
            values, errors = self.converter.convert(cells)
            converted.append((number, cells, values, errors))
        existing = self._existing([values for _, _, values, errors in converted if not errors])
        for number, cells, values, errors in converted:
            self.summary.rows += 1
            if errors:
                self._failed(number, errors)
            else:
                self._row(number, cells, values, existing)

    def _row(self, number: int, cells: list[str], values: dict[str, Any], existing: dict) -> None:
        policy = self.options.dedupe
        keys = [] if policy == "create" else self._keys(values)
        match = self._match(keys, existing) if keys else None
        if match is not None and policy == "skip":
            self.summary.skipped += 1
            self._note(number, "skip")
            if len(self.matched) < KEPT:
                self.matched.append((number, match))
            return
        extras = split_extras(values)
        if match is not None:
            self._update(number, cells, match, values, extras)
            return
        pending = self._create(number, cells, values, extras)
        if pending is not None and policy != "create":
            for key in keys:
                self.seen.setdefault(key, pending)

    def _keys(self, values: dict[str, Any]) -> list[tuple[str, str]]:
        keys = []
        for name in self.kind.dedupe:
            normalised = normalise_key(name, values.get(name))
            if normalised:
                keys.append((name, normalised))
        return keys

    def _match(self, keys: list[tuple[str, str]], existing: dict) -> _Pending | int | None:
        for key in keys:
            found = self.seen.get(key) or existing.get(key)
            if found is not None:
                return found
        return None

    def _existing(self, rows: list[dict[str, Any]]) -> dict[tuple[str, str], int]:
        """Live records in scope sharing a natural key with these rows: {(key, value): id}."""
        if self.options.dedupe == "create":
            return {}
        spec, found = self.kind.spec, {}
        model = spec.model
        for name in self.kind.dedupe:
            keys = {normalise_key(name, v.get(name)) for v in rows} - {""}
            if not keys:
                continue
            wanted = set().union(*(key_forms(name, key) for key in keys))
            column = getattr(model, name)
            expr = key_sql(name, column)
            query = restrict(
                select(column, model.id).where(model.deleted_at.is_(None), expr.in_(wanted)),
                self.ctx.user,
                model,
                spec.module,
            )
            for value, record_id in self.ctx.session.execute(query.order_by(model.id)):
                found.setdefault((name, normalise_key(name, value)), record_id)
        return found

    def _duplicates(self) -> list[dict[str, Any]]:
        """The skipped rows with the record each matched: its id, name and page.

        A match with a row of the same file that was not written (a preview, a failed row)
        names that row instead.
        """
        model = self.kind.spec.model
        pairs = [(n, m.id if isinstance(m, _Pending) else m, m) for n, m in self.matched]
        ids = {record_id for _, record_id, _ in pairs if record_id is not None}
        names: dict[int, str] = {}
        if ids and hasattr(model, "name"):
            query = records.visible(self.ctx, self.kind.spec).where(model.id.in_(ids))
            columns = query.with_only_columns(model.id, model.name)
            names = dict(self.ctx.session.execute(columns).all())
        plural = self.kind.spec.plural
        return [
            {
                "row": number,
                "id": record_id,
                "name": names.get(record_id, "") if record_id is not None else "",
                "url": f"/{plural}/{record_id}" if plural and record_id is not None else "",
                "matched_row": match.number if isinstance(match, _Pending) else None,
            }
            for number, record_id, match in pairs
        ]

    # -------------------------------------------------------------------------- writing

    def _update(
        self, number: int, cells: list[str], match: _Pending | int, values: dict, extras: dict
    ) -> None:
        if self.preview:
            self.summary.updated += 1
            self._note(number, "update")
            return
        if isinstance(match, _Pending):
            if match.id is None:
                self._flush()
            if match.id is None:  # its own row failed when written
                self._failed(number, [("", "", "matches a row of this file that failed")])
                return
            match = match.id
        record = self.ctx.session.get(self.kind.spec.model, match)
        try:
            with self.ctx.session.begin_nested():
                self.kind.update(self.ctx, record, values)
                apply_extras(self.ctx, self.kind.spec, record.id, extras)
        except Exception as exc:  # the SAVEPOINT undid the row; report it, go on
            self._service_error(number, cells, exc)
            return
        self.summary.updated += 1

    def _create(self, number: int, cells: list[str], values: dict, extras: dict) -> _Pending | None:
        try:
            prepared = self.kind.prepare(self.ctx, values)
            if self.bulk or self.preview:  # otherwise `create` checks these itself
                prepared["ext"] = validate_ext(self.fields, {}, prepared.get("ext") or {})
                records.check_with_plugins(self.ctx, self.kind.kind, None, prepared)
        except ROW_ERRORS as exc:
            self._service_error(number, cells, exc)
            return None
        pending = _Pending(number, prepared, extras)
        self._note(number, "create")
        if self.preview:
            self.summary.created += 1
            return pending
        if not self.bulk:
            self._one_by_one([pending], {number: cells})
            return pending if pending.id is not None else None
        self.pending.append(pending)
        self.cells[number] = cells
        return pending

    def _note(self, number: int, action: str) -> None:
        # Only a preview shows what each row would do; a real import of 100,000 rows should
        # not keep one entry per row.
        if self.preview:
            self.actions[number] = action

    def _flush(self) -> None:
        """Write the waiting new rows in one executemany INSERT ... RETURNING, then the events."""
        batch, cells = self.pending, self.cells
        self.pending, self.cells = [], {}
        if not batch:
            return
        try:
            with self.ctx.session.begin_nested():
                self._insert(batch)
        except Exception:  # the database or a listener refused the batch: find the row(s)
            for pending in batch:
                pending.id = None
            self._one_by_one(batch, cells)
            return
        self.summary.created += len(batch)
        for pending in batch:  # written: later rows matching it need only its id
            pending.values = {}

    def _insert(self, batch: list[_Pending]) -> None:
        ctx, spec = self.ctx, self.kind.spec
        user_id = ctx.user_id
        stamp = {"created_by_id": user_id, "updated_by_id": user_id}
        owners = [p.extras.get("owner_id") or user_id for p in batch]
        rows = [{**p.values, **stamp, "owner_id": o} for p, o in zip(batch, owners, strict=True)]
        ids = insert_ids(ctx, spec.model, rows)
        for pending, record_id, owner in zip(batch, ids, owners, strict=True):
            pending.id = record_id
            ctx.fire(
                RecordCreated(
                    kind=spec.kind,
                    record_id=record_id,
                    user_id=user_id,
                    values=records.plain({**pending.values, "owner_id": owner}),
                )
            )
        tagged = [(p.id, p.extras["tags"]) for p in batch if p.extras.get("tags")]
        tag_new_records(ctx, spec, tagged)
        for pending in batch:
            if pending.extras.get("campaign_member") or pending.extras.get("campaign_status"):
                join_campaign(ctx, spec, pending.id, pending.extras)

    def _one_by_one(self, batch: list[_Pending], cells: dict[int, list[str]]) -> None:
        for pending in batch:
            try:
                with self.ctx.session.begin_nested():
                    pending.id = self.kind.create(self.ctx, pending.values).id
                    apply_extras(self.ctx, self.kind.spec, pending.id, pending.extras)
            except Exception as exc:  # the SAVEPOINT undid the row; report it, go on
                self._service_error(pending.number, cells.get(pending.number, []), exc)
                continue
            finally:
                pending.values = {}
            self.summary.created += 1

    # --------------------------------------------------------------------------- errors

    def _failed(self, number: int, errors: list[tuple[str, str, str]]) -> None:
        self.summary.failed += 1
        for column, value, message in errors:
            self.report.add(number, column, value, message)

    def _service_error(self, number: int, cells: list[str], exc: Exception) -> None:
        field, message = _explain(exc)
        column = self.converter.column_of(field)
        value = self.converter.shown(cells).get(field or "", "") if cells else ""
        self._failed(number, [(column, value, message)])


def _explain(exc: Exception) -> tuple[str | None, str]:
    """(field, message) of a row's failure; a bug is logged and reported as internal."""
    if isinstance(exc, KhtError):
        return exc.field, exc.message
    if isinstance(exc, msgspec.ValidationError):
        found = _MSGSPEC_FIELD.search(str(exc))
        return (found.group(1) or found.group(2) if found else None), str(exc)
    if isinstance(exc, SQLAlchemyError):
        cause = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        return None, f"the database refused the row: {cause[0] if cause else exc}"
    log.exception("importing a row failed")
    return None, f"internal error ({type(exc).__name__}: {exc})"


__all__ = ["Dedupe", "Importer", "Options", "Summary", "check_permissions"]
