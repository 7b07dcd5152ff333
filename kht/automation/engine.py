"""Running rules: queue a run per (rule, record, occurrence), carry it out exactly once.

How the guarantee is kept:

- **Queued with the change.** An event trigger's run is inserted in the transaction of the
  change that fired it (`on_event`, from `kht_on_event`): a rolled-back save queues nothing,
  a committed one cannot lose its run. A time trigger's runs are inserted by the worker with
  INSERT … ON CONFLICT DO NOTHING. Either way the row's unique key (rule, kind, record,
  occurrence) admits one run per occurrence: a second worker evaluating the same birthday,
  or the same worker after a restart, inserts nothing.
- **Done once.** A run is carried out in one transaction that starts by flipping it from
  `pending` to `done` with an UPDATE whose WHERE re-checks `pending` (PostgreSQL locks the
  row, so a second worker finds it done and skips it; SQLite serialises writers), does the
  actions, and commits them together with the run. A worker that dies mid-run rolls all of
  it back, and the run is still pending for the next tick: never half done, never twice.
- **Failures.** An action that raises rolls the try back; the run is retried with a
  doubling wait (1, 2, 4 minutes) and after MAX_ATTEMPTS tries ends `failed` with the error
  (at once for ActionFailed: an action that trying again cannot help).
  The user's own change committed before any of this, so it is never blocked or lost.
- **No loops.** Events fired by a run's actions never queue a run of the same rule; runs of
  other rules they queue are one level deeper, and beyond MAX_DEPTH they are recorded as
  `skipped` with the reason and logged, not run.

Event runs are carried out right after the commit that queued them (like the mail outbox),
and the worker's minute tick (`tick`) picks up whatever is still pending (a retry, a server
that stopped in between) and evaluates the time triggers.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

import msgspec
from sqlalchemy import Select, event, or_, select, update
from sqlalchemy.orm import Session

from kht import turns
from kht.automation.models import DONE, FAILED, PENDING, SKIPPED, Rule, Run
from kht.automation.registry import params_of, registry
from kht.clock import company_zone
from kht.config import Settings
from kht.context import Ctx
from kht.db.outbox import once_after_commit
from kht.errors import ActionFailed, KhtError, NotFound, ValidationError
from kht.events import Event
from kht.lists.engine import Filter, apply_filters, parse_filter
from kht.plugin_types import RecordKind

log = logging.getLogger("kht.automation")
ENGINE = "kht_automation"  # ctx.extra while a run's actions execute: {"rule_id", "depth"}
MAX_DEPTH = 3
MAX_ATTEMPTS = 4
FIRST_WAIT = timedelta(minutes=1)
BATCH = 200
DEPARTMENT = "owner.department"  # the condition "owner's department in …"
_TX = "kht_automation_tx"
_RULES = "kht_automation_rules"
_QUEUED = "kht_automation_queued"
_WATCHED = "kht_automation_watched"
_NEW = "kht_automation_new_runs"  # the runs a transaction queued, carried out after its commit


# ------------------------------------------------------------------------------ conditions


def parse_conditions(raw: Iterable[str]) -> list[Filter]:
    return [parse_filter(text) for text in raw]


def _department_condition(ctx: Ctx, spec: RecordKind, value: Any) -> Any:
    from kht.auth.models import User
    from kht.org.models import Department

    ids = []
    for part in str(value or "").split(","):
        try:
            ids.append(int(part))
        except ValueError:
            raise ValidationError(f"{DEPARTMENT} needs department ids", DEPARTMENT) from None
    paths = list(ctx.session.scalars(select(Department.path).where(Department.id.in_(ids))))
    if len(paths) != len(set(ids)):
        raise ValidationError("no such department", DEPARTMENT)
    # A department includes its sub-departments (their paths start with its own).
    within = or_(*[Department.path.startswith(path) for path in paths])
    members = select(User.id).join(Department, Department.id == User.department_id).where(within)
    return spec.model.owner_id.in_(members)


def filtered(ctx: Ctx, spec: RecordKind, query: Select[Any], filters: list[Filter]) -> Select[Any]:
    """`query` narrowed by the rule's conditions: list filters over the kind's columns
    (custom fields included) and `owner.department:in:<ids>`."""
    plain = []
    for item in filters:
        if item.field == DEPARTMENT:
            if item.op != "in":
                raise ValidationError(f"{DEPARTMENT} takes only 'in'", DEPARTMENT)
            query = query.where(_department_condition(ctx, spec, item.value))
        else:
            plain.append(item)
    return apply_filters(query, spec.columns(ctx), plain, zone=ctx.zone)


def _scoped(ctx: Ctx, spec: RecordKind) -> Select[Any]:
    from kht import record_service as records

    return records.visible(ctx, spec)


def conditions_hold(ctx: Ctx, rule: Rule, spec: RecordKind, record_id: int) -> bool:
    query = filtered(ctx, spec, _scoped(ctx, spec), parse_conditions(rule.conditions))
    found = ctx.session.scalar(
        query.with_only_columns(spec.model.id).where(spec.model.id == record_id)
    )
    return found is not None


def due_records(ctx: Ctx, rule: Rule, spec: RecordKind, now: datetime) -> list[tuple[Any, str]]:
    """The records a time rule hits at `now`, each with its occurrence: what the worker
    queues and what the preview shows (one function, so they agree)."""
    trigger = registry(ctx).triggers[rule.trigger["type"]]
    params = params_of(trigger.params, rule.trigger.get("params"), "trigger.params")
    condition, occurrence = trigger.due(
        ctx=ctx,
        spec=spec,
        params=params,
        zone=company_zone(ctx.settings),
        now=now,
        since=rule.created_at,
    )
    query = filtered(ctx, spec, _scoped(ctx, spec), parse_conditions(rule.conditions))
    rows = ctx.session.scalars(query.where(condition).order_by(spec.model.id))
    return [(record, occurrence(record)) for record in rows]


# ------------------------------------------------------------------- queueing from events


def _rules_for(ctx: Ctx, kind: str) -> list[tuple[int, str, dict[str, Any]]]:
    """The enabled event rules of `kind` (id, trigger key, params), read once a transaction."""
    _watch(ctx.session)
    cache = ctx.session.info.setdefault(_RULES, {})
    if kind not in cache:
        rows = ctx.session.execute(
            select(Rule.id, Rule.trigger).where(
                Rule.kind == kind, Rule.enabled.is_(True), Rule.timed.is_(False)
            )
        )
        cache[kind] = [
            (row.id, row.trigger.get("type", ""), row.trigger.get("params") or {}) for row in rows
        ]
    return cache[kind]


def forget_rules(ctx: Ctx) -> None:
    """Drop the transaction's cached rules (a rule was saved)."""
    ctx.session.info.pop(_RULES, None)


def _forget(done: Session, *args: Any) -> None:
    for key in (_TX, _RULES, _QUEUED, _WATCHED):
        done.info.pop(key, None)


def _watch(session: Session) -> None:
    """What the engine keeps on a session (cached rules, the transaction's token) lasts
    until the transaction ends."""
    if not session.info.get(_WATCHED):
        session.info[_WATCHED] = True
        event.listen(session, "after_commit", _forget, once=True)
        event.listen(session, "after_rollback", _forget, once=True)


def _token(session: Session) -> str:
    _watch(session)
    token = session.info.get(_TX)
    if token is None:
        token = session.info[_TX] = secrets.token_hex(8)
    return token


def on_event(ctx: Ctx, fired: Event) -> None:
    """Queue a run of every enabled rule whose event trigger matches `fired` (inside the
    change's transaction). One run per rule, record and transaction: a save that fires
    several events runs a rule once. Runs are carried out after the commit."""
    if not isinstance(fired, Event) or fired.kind in ("automation_rule",):
        return
    # The record the event is about, and its customer's (an order placed is the
    # customer's moment too): each trigger's `matches` decides which events it takes.
    about = [(fired.kind, fired.record_id)]
    customer_id = getattr(fired, "customer_id", None)
    if fired.kind != "customer" and customer_id:
        about.append(("customer", customer_id))
    for kind, record_id in about:
        _queue_runs(ctx, fired, kind, record_id)


def _queue_runs(ctx: Ctx, fired: Event, kind: str, record_id: int) -> None:
    rules = _rules_for(ctx, kind)
    if not rules:
        return
    triggers = registry(ctx).triggers
    running = ctx.extra.get(ENGINE)
    depth = running["depth"] + 1 if running else 0
    queued = ctx.session.info.setdefault(_QUEUED, set())
    occurrence = f"event:{_token(ctx.session)}"
    added: list[Run] = []
    for rule_id, key, raw in rules:
        trigger = triggers.get(key)
        if trigger is None or trigger.matches is None:
            continue
        if running and running["rule_id"] == rule_id:
            continue  # a rule's own change never triggers it again
        if (rule_id, kind, record_id) in queued:
            continue
        try:
            params = params_of(trigger.params, raw, "trigger.params")
        except ValidationError:
            log.warning("automation rule %s: its trigger settings no longer fit; not run", rule_id)
            continue
        if not trigger.matches(fired, params):
            continue
        queued.add((rule_id, kind, record_id))
        run = Run(
            rule_id=rule_id,
            kind=kind,
            record_id=record_id,
            occurrence=occurrence,
            depth=depth,
            created_at=ctx.now(),
            cause=msgspec.to_builtins(fired),
        )
        if depth > MAX_DEPTH:
            run.status, run.finished_at = SKIPPED, ctx.now()
            run.error = f"stopped: a chain of rules deeper than {MAX_DEPTH}"
            log.warning("automation rule %s on %s %s: %s", rule_id, kind, record_id, run.error)
        ctx.session.add(run)
        added.append(run)
    ctx.session.flush()
    ctx.session.info.setdefault(_NEW, []).extend(r.id for r in added if r.status == PENDING)
    if running is None:
        _process_after_commit(ctx)


def _process_after_commit(ctx: Ctx) -> None:
    session = ctx.session
    engine, settings, plugins, clock = session.get_bind(), ctx.settings, ctx.plugins, ctx.clock

    def run() -> None:
        # The change stands whatever happens here; the worker's tick runs what is left.
        process(engine, settings, plugins, clock, session.info.pop(_NEW, []))

    once_after_commit(session, "kht_automation_process", run)


# ------------------------------------------------------------------------ carrying it out


def process(
    engine: Any,
    settings: Settings,
    plugins: Any,
    clock: Callable[[], datetime],
    ids: list[int] | None = None,
) -> dict[str, int]:
    """Carry out the due pending runs (`ids`, or every due one), then the runs they queue
    in turn (a chain); returns how many ended in each state."""
    counts: dict[str, int] = {}
    todo = list(ids) if ids is not None else _due_ids(engine, clock())
    seen: set[int] = set()
    while todo:
        run_id = todo.pop(0)
        if run_id in seen:
            continue
        seen.add(run_id)
        outcome, queued = execute(engine, settings, plugins, clock, run_id)
        if outcome:
            counts[outcome] = counts.get(outcome, 0) + 1
        todo.extend(queued)
    return counts


def _due_ids(engine: Any, now: datetime) -> list[int]:
    with Session(engine) as session:
        return list(
            session.scalars(
                select(Run.id)
                .where(
                    Run.status == PENDING,
                    or_(Run.next_attempt_at.is_(None), Run.next_attempt_at <= now),
                )
                .order_by(Run.id)
                .limit(BATCH)
            )
        )


class RunError(KhtError):
    """A run that cannot go on (its author left, its rule changed shape)."""


def execute(
    engine: Any, settings: Settings, plugins: Any, clock: Callable[[], datetime], run_id: int
) -> tuple[str, list[int]]:
    """Carry out one run if it is still pending and due; returns its outcome ("" when
    another worker had it) and the runs its actions queued."""
    from kht.auth.principal import load_principal
    from kht.records import record_kind

    session = Session(engine, expire_on_commit=False)
    ctx = Ctx(session=session, settings=settings, plugins=plugins, clock=clock)
    now = ctx.now()
    try:
        with session.begin():
            claimed = session.execute(
                update(Run)
                .where(
                    Run.id == run_id,
                    Run.status == PENDING,
                    or_(Run.next_attempt_at.is_(None), Run.next_attempt_at <= now),
                )
                .values(status=DONE, attempts=Run.attempts + 1, finished_at=now, error="")
                .execution_options(synchronize_session=False)
            ).rowcount
            if not claimed:
                return "", []
            run = session.get(Run, run_id)
            rule = session.get(Rule, run.rule_id)
            skipped = _skip_reason(ctx, rule, run)
            if skipped is None:
                user = load_principal(session, rule.updated_by_id or 0)
                if user is None:
                    raise RunError("the administrator who saved the rule is no longer active")
                ctx.user, ctx.language = user, user.language
                spec = record_kind(ctx, run.kind)
                record = _live(ctx, spec, run.record_id)
                if record is None:
                    skipped = "the record is gone"
                elif not conditions_hold(ctx, rule, spec, record.id):
                    skipped = "the conditions no longer hold"
            if skipped is not None:
                run.status, run.error = SKIPPED, skipped
                return SKIPPED, []
            ctx.extra[ENGINE] = {"rule_id": rule.id, "depth": run.depth}
            before = _max_run_id(session)
            run.done = _do_actions(ctx, rule, spec, record, run)
            session.flush()
            queued = list(
                session.scalars(
                    select(Run.id).where(Run.id > before, Run.status == PENDING).order_by(Run.id)
                )
            )
        return DONE, queued
    except Exception as exc:  # the try is rolled back: record it, retry later
        session.rollback()
        return _failed(engine, run_id, now, exc), []
    finally:
        session.close()


def _skip_reason(ctx: Ctx, rule: Rule | None, run: Run) -> str | None:
    if rule is None or not rule.enabled:
        return "the rule is disabled"
    return None


def _live(ctx: Ctx, spec: RecordKind, record_id: int) -> Any:
    try:
        return spec.get(ctx, record_id)
    except NotFound:
        return None


def _max_run_id(session: Session) -> int:
    from sqlalchemy import func

    return session.scalar(select(func.max(Run.id))) or 0


def _do_actions(ctx: Ctx, rule: Rule, spec: RecordKind, record: Any, run: Run) -> list[str]:
    actions = registry(ctx).actions
    notes = []
    for position, item in enumerate(rule.actions):
        definition = actions.get(item.get("type", ""))
        if definition is None:
            raise RunError(f"action {item.get('type')!r} is not available (plugin disabled?)")
        params = params_of(definition.params, item.get("params"), f"actions[{position}].params")
        note = definition.run(ctx=ctx, spec=spec, record=record, params=params, run=run)
        notes.append({"type": definition.key, "note": str(note or "")[:200]})
    return notes


def _failed(engine: Any, run_id: int, now: datetime, exc: Exception) -> str:
    message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    log.warning("automation run %s failed: %s", run_id, message)
    with Session(engine) as session, session.begin():
        run = session.get(Run, run_id)
        if run is None or run.status != PENDING:
            return ""
        run.attempts += 1
        run.error = message[:500]
        if run.attempts >= MAX_ATTEMPTS or isinstance(exc, ActionFailed):
            run.status, run.finished_at = FAILED, now
            return FAILED
        run.next_attempt_at = now + FIRST_WAIT * 2 ** (run.attempts - 1)
    return PENDING


def next_in_turn(ctx: Ctx, rule_id: int, user_ids: list[int]) -> int:
    """The next of `user_ids` for a round-robin rule (kht.turns: the turn is locked until
    the run commits, so two runs at once get consecutive users)."""
    return turns.next_in_turn(ctx.session, Rule.turn, rule_id, user_ids)  # type: ignore[return-value]


# --------------------------------------------------------------------------- time triggers


def _insert_runs(session: Session, rows: list[dict[str, Any]]) -> list[int]:
    if not rows:
        return []
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = (
        insert(Run)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["rule_id", "kind", "record_id", "occurrence"])
        .returning(Run.id)
    )
    return list(session.scalars(statement))


def queue_time_runs(
    engine: Any, settings: Settings, plugins: Any, clock: Callable[[], datetime]
) -> list[int]:
    """Insert a run for every record each enabled time rule hits now (once per occurrence:
    what is already there stays); returns the new runs."""
    from kht.auth.principal import load_principal
    from kht.records import record_kind

    with Session(engine) as session:
        rule_ids = list(
            session.scalars(
                select(Rule.id)
                .where(Rule.enabled.is_(True), Rule.timed.is_(True))
                .order_by(Rule.id)
            )
        )
    new: list[int] = []
    for rule_id in rule_ids:
        with Session(engine, expire_on_commit=False) as session, session.begin():
            ctx = Ctx(session=session, settings=settings, plugins=plugins, clock=clock)
            rule = session.get(Rule, rule_id)
            user = load_principal(session, rule.updated_by_id or 0) if rule else None
            if rule is None or user is None:
                continue
            ctx.user = user
            try:
                spec = record_kind(ctx, rule.kind)
                hits = due_records(ctx, rule, spec, ctx.now())
            except (KhtError, KeyError) as exc:
                log.warning("automation rule %s cannot be evaluated: %s", rule_id, exc)
                continue
            now = ctx.now()
            rows = [
                {
                    "rule_id": rule.id,
                    "kind": rule.kind,
                    "record_id": record.id,
                    "occurrence": occurrence[:100],
                    "depth": 0,
                    "status": PENDING,
                    "attempts": 0,
                    "cause": {"type": rule.trigger.get("type"), "at": now.isoformat()},
                    "done": [],
                    "error": "",
                    "created_at": now,
                }
                for record, occurrence in hits
            ]
            new += _insert_runs(session, rows)
    return new


def tick(runtime: Any) -> dict[str, int]:
    """The worker's minute: queue the time rules' runs, then carry out every due run."""
    from kht.db.base import utcnow

    plugins = runtime.plugins()
    queue_time_runs(runtime.engine, runtime.settings, plugins, utcnow)
    return process(runtime.engine, runtime.settings, plugins, utcnow)


__all__ = [
    "FAILED",
    "MAX_ATTEMPTS",
    "MAX_DEPTH",
    "company_zone",
    "conditions_hold",
    "due_records",
    "execute",
    "filtered",
    "on_event",
    "process",
    "queue_time_runs",
    "tick",
]
