"""Actions: logging calls, visits, meetings, tasks and notes against records; the timeline,
the agenda and the calendar."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, time, timedelta
from typing import Any

import msgspec
from sqlalchemy import ColumnElement, Select, delete, func, insert, or_, select, update

from kht import record_service as records
from kht.actions.checks import check_action
from kht.actions.invitations import sync_invitation
from kht.actions.models import Action, Notification, action_participants
from kht.actions.schemas import (
    ActionCreate,
    ActionOut,
    ActionUpdate,
    CalendarEvent,
    TimelineItem,
)
from kht.auth.models import User
from kht.auth.scope import owned_by_visible
from kht.context import Ctx
from kht.customers.hierarchy import customer_group_column
from kht.customers.models import Customer
from kht.db.custom_fields import Choice
from kht.errors import NotAuthenticated, NotFound, ValidationError
from kht.events import ActionLogged, RecordUpdated
from kht.fields import builtin
from kht.lifecycle.models import LifecycleStage, StageChange
from kht.mail.archive import of_record as mail_of_record
from kht.mail.models import MailMessage
from kht.plugin_types import ListParam, RecordKind
from kht.records import record_kind
from kht.records.schemas import out_of
from kht.sales.opportunities.models import OpportunityStageChange
from kht.sms.timeline import sms_items
from kht.web.i18n import N_

KIND = "action"
MODULE = "actions"
SPEC = RecordKind(
    kind=KIND,
    model=Action,
    module=MODULE,
    label_zh="行动",
    label_en="Actions",
    open_filter=lambda: Action.status == "planned",
    # Activity rolls up to the customer's group company (kht.customers.hierarchy).
    more_columns=lambda ctx: [customer_group_column(Action.customer_id)],
    # The team of the record an action is logged on sees the action.
    team_parents=(("*", "record_id"),),
    # The fields give actions list columns and a scoped list query: what reports group by.
    fields=(
        builtin(
            "type",
            "single_choice",
            "类型",
            "Type",
            choices=(
                Choice(key="call", label_zh="电话", label_en="Call"),
                Choice(key="visit", label_zh="拜访", label_en="Visit"),
                Choice(key="meeting", label_zh="会议", label_en="Meeting"),
                Choice(key="task", label_zh="任务", label_en="Task"),
                Choice(key="note", label_zh="笔记", label_en="Note"),
                Choice(key="email", label_zh="邮件", label_en="Email"),
                Choice(key="sms", label_zh="短信", label_en="SMS"),
            ),
        ),
        builtin("subject", "text", "主题", "Subject"),
        builtin(
            "status",
            "single_choice",
            "状态",
            "Status",
            choices=(
                Choice(key="planned", label_zh="计划中", label_en="Planned"),
                Choice(key="done", label_zh="已完成", label_en="Done"),
                Choice(key="cancelled", label_zh="已取消", label_en="Cancelled"),
            ),
        ),
        builtin("due_at", "date", "到期", "Due"),
        builtin("done_at", "date", "完成时间", "Done at"),
        builtin("outcome", "text", "结果", "Outcome"),
        builtin("kind", "text", "关于", "About"),
        builtin("customer_id", "user", "客户", "Customer"),
    ),
    searchable=("subject", "outcome"),
)
# The kinds of record an action can be about, and where their pages live.
RECORD_PAGES = {
    "customer": "/customers",
    "contact": "/contacts",
    "lead": "/leads",
    "opportunity": "/opportunities",
}
# The labels of the action types (translated where they are shown).
TYPE_LABELS = {
    "call": N_("Call"),
    "visit": N_("Visit"),
    "meeting": N_("Meeting"),
    "task": N_("Task"),
    "note": N_("Note"),
    "email": N_("Email"),
    "sms": N_("SMS"),
}
TYPE_COLOURS = {
    "call": "#0d6efd",
    "visit": "#198754",
    "meeting": "#6f42c1",
    "task": "#fd7e14",
    "note": "#6c757d",
    "email": "#0aa2c0",
    "sms": "#20c997",
}
# Calendar blocks: actions have a due time but no length.
LONG_TYPES = ("visit", "meeting")
MAX_CALENDAR_DAYS = 100
AGENDA_DAYS = 7


def record_url(kind: str, record_id: int) -> str:
    """The UI page of the record an action is about."""
    return f"{RECORD_PAGES.get(kind, '/' + kind + 's')}/{record_id}"


def notify(
    ctx: Ctx,
    user_ids: Iterable[int],
    texts: Callable[[str], tuple[str, str]],
    *,
    url: str = "",
    kind: str = "",
    record_id: int | None = None,
) -> int:
    """Put a notice under the bell of each active user of `user_ids` (each once), worded
    for them: `texts(language)` gives the title and body in the user's language ("zh_CN",
    "en"). For the system's notices (a plugin's periodic task telling a record's people);
    no permission check. Returns how many users were told."""
    wanted = set(user_ids)
    if not wanted:
        return 0
    query = select(User.id, User.language).where(User.id.in_(wanted), User.active)
    told = 0
    for row in ctx.session.execute(query.order_by(User.id)):
        title, body = texts(row.language or "zh_CN")
        ctx.session.add(
            Notification(
                user_id=row.id,
                title=title[:300],
                body=body,
                url=url,
                kind=kind,
                record_id=record_id,
                created_at=ctx.now(),
            )
        )
        told += 1
    ctx.session.flush()
    return told


def _record(ctx: Ctx, kind: str, record_id: int) -> tuple[Any, int | None]:
    """The visible record (else NotFound) and the customer it belongs to."""
    if kind == KIND:
        raise ValidationError("an action cannot be about another action", "kind")
    record = records.get_record(ctx, record_kind(ctx, kind), record_id)
    customer_id = record.id if kind == "customer" else getattr(record, "customer_id", None)
    return record, customer_id


def _target(ctx: Ctx, kind: str, record_id: int) -> tuple[Any, int | None]:
    try:
        return _record(ctx, kind, record_id)
    except NotFound as exc:  # in a request body: 422 naming the field the client got wrong
        raise ValidationError(exc.message, exc.field or "record_id") from None


def _valid_participants(ctx: Ctx, ids: list[int]) -> list[int]:
    """`ids` without repeats, if every one is an active user (else 422 on participant_ids)."""
    wanted = sorted(set(ids))
    if not wanted:
        return []
    found = set(ctx.session.scalars(select(User.id).where(User.id.in_(wanted), User.active)))
    missing = [str(i) for i in wanted if i not in found]
    if missing:
        raise ValidationError(f"no such user: {', '.join(missing)}", "participant_ids")
    return wanted


def participants_of(ctx: Ctx, action_ids: list[int]) -> dict[int, list[int]]:
    """The participants (user ids) of each of `action_ids`."""
    found: dict[int, list[int]] = {i: [] for i in action_ids}
    if action_ids:
        rows = ctx.session.execute(
            select(action_participants.c.action_id, action_participants.c.user_id)
            .where(action_participants.c.action_id.in_(action_ids))
            .order_by(action_participants.c.user_id)
        )
        for action_id, user_id in rows:
            found[action_id].append(user_id)
    return found


def _set_participants(ctx: Ctx, action_id: int, user_ids: list[int]) -> None:
    ctx.session.execute(
        delete(action_participants).where(action_participants.c.action_id == action_id)
    )
    if user_ids:
        ctx.session.execute(
            insert(action_participants),
            [{"action_id": action_id, "user_id": user_id} for user_id in user_ids],
        )


def log_action(ctx: Ctx, data: ActionCreate) -> Action:
    """Log an action; a done one updates the customer's last contact and fires ActionLogged."""
    _, customer_id = _target(ctx, data.kind, data.record_id)
    participants = _valid_participants(ctx, data.participant_ids)
    values = check_action(records.changes_of(data))
    values.pop("participant_ids", None)
    values["customer_id"] = customer_id
    values["done_at"] = ctx.now() if data.status == "done" else None
    action = records.create_record(ctx, SPEC, values)
    _set_participants(ctx, action.id, participants)
    if data.status == "done":
        _touch_customer(ctx, customer_id)
    _announce(ctx, action)
    sync_invitation(ctx, action)
    return action


def _announce(ctx: Ctx, action: Action) -> None:
    ctx.fire(
        ActionLogged(
            kind=action.kind,
            record_id=action.record_id,
            user_id=ctx.user_id,
            action_id=action.id,
            action_type=action.type,
        )
    )


def _touch_customer(ctx: Ctx, customer_id: int | None) -> None:
    # Derived, not an edit by the user: no version bump, no audit row.
    if customer_id is not None:
        ctx.session.execute(
            update(Customer)
            .where(Customer.id == customer_id)
            .values(last_contact_at=ctx.now())
            .execution_options(synchronize_session=False)
        )


def _participating(user_id: int | None) -> ColumnElement[bool]:
    taking_part = select(action_participants.c.action_id).where(
        action_participants.c.user_id == user_id
    )
    return Action.id.in_(taking_part)


def reachable(ctx: Ctx) -> Select[Any]:
    """Live actions in the user's scope on actions, plus those they take part in."""
    if ctx.user is None:
        raise NotAuthenticated("log in first")
    visible = owned_by_visible(ctx.user, Action.owner_id, MODULE, shared=records.shared_of(SPEC))
    return select(Action).where(
        Action.deleted_at.is_(None), or_(visible, _participating(ctx.user_id))
    )


def get_action(ctx: Ctx, action_id: int) -> Action:
    """One action in the acting user's scope on actions, or one they take part in."""
    action = ctx.session.scalar(reachable(ctx).where(Action.id == action_id))
    if action is None:
        raise NotFound(f"{KIND} {action_id} not found")
    return action


def update_action(ctx: Ctx, action_id: int, data: ActionUpdate) -> Action:
    """Change an action (version-checked); completing it stamps done_at and last contact.

    A new reminder time arms the reminder again. Participants may change it too (marking a
    shared visit done), if their role may edit actions.
    """
    action = get_action(ctx, action_id)
    changes = check_action(records.changes_of(data), action)
    participants = changes.pop("participant_ids", None)
    if participants is not None:
        participants = _valid_participants(ctx, participants)
    completing = changes.get("status") == "done" and action.status != "done"
    if completing:
        changes["done_at"] = ctx.now()
    if "remind_at" in changes and changes["remind_at"] != action.remind_at:
        changes["reminded_at"] = None
    records.update_record(ctx, SPEC, action, data.version, changes)
    if participants is not None:
        before = participants_of(ctx, [action.id])[action.id]
        if before != participants:
            _set_participants(ctx, action.id, participants)
            ctx.fire(
                RecordUpdated(
                    kind=KIND,
                    record_id=action.id,
                    user_id=ctx.user_id,
                    changes={"participant_ids": [before, participants]},
                )
            )
    if completing:
        _touch_customer(ctx, action.customer_id)
        _announce(ctx, action)
    sync_invitation(ctx, action)
    return action


def complete_action(
    ctx: Ctx, action_id: int, version: int, *, outcome: str = "", next_step: str = ""
) -> Action:
    """Mark a planned action done, with what came of it and what comes next."""
    raw: dict[str, Any] = {"version": version, "status": "done"}
    raw.update({k: v for k, v in (("outcome", outcome), ("next_step", next_step)) if v})
    try:
        data = msgspec.convert(raw, ActionUpdate)
    except msgspec.ValidationError as exc:  # too long: name the field, never a database error
        raise ValidationError(
            str(exc), "outcome" if "outcome" in str(exc) else "next_step"
        ) from None
    return update_action(ctx, action_id, data)


def delete_action(ctx: Ctx, action_id: int) -> None:
    """Move an action to the recycle bin (scope only: taking part is not enough); a meeting's
    people get its cancellation."""
    action = records.get_record(ctx, SPEC, action_id)
    records.delete_record(ctx, SPEC, action)
    sync_invitation(ctx, action)


def action_outs(ctx: Ctx, actions: list[Action], tags: Any = None) -> list[ActionOut]:
    """Actions as the API answers them, with their participants (one query for all)."""
    people = participants_of(ctx, [a.id for a in actions])
    return [out_of(ActionOut, a, participant_ids=people[a.id], ext=a.ext or {}) for a in actions]


def action_out(ctx: Ctx, action: Action, tags: Any = None) -> ActionOut:
    return action_outs(ctx, [action])[0]


def _bulk(ctx: Ctx, data: Any, ids: list[int]) -> int | None:
    """Bulk delete and set go through the action's own rules (a deleted meeting's people get
    its cancellation; setting `done` stamps the time and the customer's last contact); the
    rest is the generic bulk operation."""
    if data.action == "delete":
        for action_id in ids:
            delete_action(ctx, action_id)
        return len(ids)
    if data.action != "set":
        return None
    if data.field not in ActionUpdate.__struct_fields__ or data.field == "version":
        raise ValidationError(f"{data.field!r} cannot be set on actions in bulk", "field")
    for action_id in ids:
        action = get_action(ctx, action_id)
        try:
            change = msgspec.convert(
                {"version": action.version, data.field: data.value}, ActionUpdate, strict=False
            )
        except msgspec.ValidationError as exc:
            raise ValidationError(str(exc), "value") from None
        update_action(ctx, action_id, change)
    return len(ids)


def _mine(ctx: Ctx, query: Select[Any], mine: bool) -> Select[Any]:
    return query.where(or_(Action.owner_id == ctx.user_id, _participating(ctx.user_id)))


def _status(ctx: Ctx, query: Select[Any], status: str) -> Select[Any]:
    return query.where(Action.status == status)


SPEC = msgspec.structs.replace(
    SPEC,
    plural="actions",
    create_schema=ActionCreate,
    update_schema=ActionUpdate,
    out_schema=ActionOut,
    to_out=action_out,
    to_outs=action_outs,
    get=get_action,
    create=log_action,
    update=update_action,
    delete=delete_action,
    bulk=_bulk,
    # Planned ones by due time, the latest first (as the list always was).
    default_sort="-due_at",
    # The list's `status` and `mine` (kept from before the generic API; `f=status:eq:…`
    # says the same as `status=`).
    list_params=(
        ListParam(
            name="status",
            type=str,
            default="",
            apply=_status,
            description="only actions with this status (planned, done, cancelled)",
        ),
        ListParam(
            name="mine",
            type=bool,
            default=False,
            apply=_mine,
            description="only actions you own or take part in",
        ),
    ),
)


def _of_people(ctx: Ctx, *, user_id: int | None, team: bool) -> Select[Any]:
    """Reachable actions of one user (owned or taking part), or of the whole scope (`team`)."""
    query = reachable(ctx)
    if team:
        return query
    who = user_id or ctx.user_id
    return query.where(or_(Action.owner_id == who, _participating(who)))


def agenda(
    ctx: Ctx, *, user_id: int | None = None, team: bool = False, limit: int = 500
) -> dict[str, list[Action]]:
    """Planned actions of a user (default: the acting one) or of the team in scope.

    `overdue`: due before now; `today`: due from now to midnight in the acting user's time
    zone; `upcoming`: due in the following 7 days. A user's actions are the ones they own and
    the ones they take part in; another user's agenda shows only what the acting user may see.
    """
    now = ctx.now()
    local = ctx.local(now)
    tomorrow = datetime.combine(local.date() + timedelta(days=1), time(), local.tzinfo)
    horizon = datetime.combine(local.date() + timedelta(days=1 + AGENDA_DAYS), time(), local.tzinfo)
    query = (
        _of_people(ctx, user_id=user_id, team=team)
        .where(Action.status == "planned", Action.due_at.is_not(None), Action.due_at < horizon)
        .order_by(Action.due_at, Action.id)
        .limit(limit)
    )
    buckets: dict[str, list[Action]] = {"overdue": [], "today": [], "upcoming": []}
    for action in ctx.session.scalars(query):
        assert action.due_at is not None
        if action.due_at < now:
            buckets["overdue"].append(action)
        elif action.due_at < tomorrow:
            buckets["today"].append(action)
        else:
            buckets["upcoming"].append(action)
    return buckets


def _moment(ctx: Ctx, raw: str, field: str) -> datetime:
    """A calendar bound: an ISO date or date-time; without an offset, in the user's zone."""
    text = raw.strip().replace(" ", "+")  # an unescaped "+" in a query string reads as a space
    if not text:
        raise ValidationError(f"{field} is required", field)
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValidationError(f"{field} must be an ISO date or date-time", field) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=ctx.zone)
    return value


def calendar_events(
    ctx: Ctx, start: str, end: str, *, team: bool = False, user_id: int | None = None
) -> list[CalendarEvent]:
    """Actions (planned and done) between `start` and `end` as calendar events.

    Mine (default): the acting user's own and participating actions; `team`: every action in
    their scope on actions (a manager's department tree). Cancelled actions are left out.
    """
    since, until = _moment(ctx, start, "start"), _moment(ctx, end, "end")
    if until <= since:
        raise ValidationError("end must be after start", "end")
    if until - since > timedelta(days=MAX_CALENDAR_DAYS):
        raise ValidationError(f"ask for at most {MAX_CALENDAR_DAYS} days at once", "end")
    when = func.coalesce(Action.due_at, Action.done_at)
    query = (
        _of_people(ctx, user_id=user_id, team=team)
        .where(Action.status != "cancelled", when >= since, when < until)
        .order_by(when, Action.id)
        .limit(2000)
    )
    return [_event(action) for action in ctx.session.scalars(query)]


def _event(action: Action) -> CalendarEvent:
    start = action.due_at or action.done_at or action.created_at
    length = timedelta(hours=1) if action.type in LONG_TYPES else timedelta(minutes=30)
    if action.duration_minutes:
        length = timedelta(minutes=action.duration_minutes)
    done = action.status == "done"
    return CalendarEvent(
        id=str(action.id),
        title=("✓ " if done else "") + action.subject,
        start=start,
        end=start + length,
        url=record_url(action.kind, action.record_id),
        color=TYPE_COLOURS.get(action.type, "#6c757d"),
        type=action.type,
        status=action.status,
        action_id=action.id,
        owner_id=action.owner_id,
    )


def timeline(
    ctx: Ctx, kind: str, record_id: int, *, page: int = 1, page_size: int = 30
) -> list[TimelineItem]:
    """Actions, stage changes, mail, SMS and automation runs of a visible record, newest first,
    one page.

    Whoever may see a record sees its whole timeline, whoever logged the entries: every
    department shares one picture of the customer. A customer's timeline includes the
    actions logged on its contacts and leads; an opportunity's includes its sales stages.
    Mail matched to the record shows to those who may read it (kht.mail.archive).
    """
    _record(ctx, kind, record_id)
    wanted = page * page_size
    about = (Action.kind == kind) & (Action.record_id == record_id)
    if kind == "customer":
        about = or_(about, Action.customer_id == record_id)
    actions = ctx.session.scalars(
        select(Action)
        .where(about, Action.deleted_at.is_(None))
        .order_by(Action.created_at.desc())
        .limit(wanted)
    )
    stages = ctx.session.scalars(
        select(StageChange)
        .where(StageChange.kind == kind, StageChange.record_id == record_id)
        .order_by(StageChange.at.desc())
        .limit(wanted)
    )
    names = {
        stage.key: stage.label(ctx.language)
        for stage in ctx.session.scalars(select(LifecycleStage))
    }
    items = [_action_item(a) for a in actions] + [_stage_item(s, names) for s in stages]
    if kind == "opportunity":
        sales_stages = ctx.session.scalars(
            select(OpportunityStageChange)
            .where(OpportunityStageChange.opportunity_id == record_id)
            .order_by(OpportunityStageChange.entered_at.desc(), OpportunityStageChange.id.desc())
            .limit(wanted)
        )
        items += [_sales_stage_item(s, ctx.language) for s in sales_stages]
    items += automation_items(ctx, kind, record_id, wanted)
    items += [_mail_item(m) for m in mail_of_record(ctx, kind, record_id, wanted)]
    items += sms_items(ctx, kind, record_id, wanted)
    items.sort(key=lambda item: item.at, reverse=True)
    return items[(page - 1) * page_size : wanted]


RUN_STATUS = {
    "pending": N_("Waiting to run"),
    "done": N_("Done"),
    "failed": N_("Failed"),
    "skipped": N_("Skipped"),
}


def automation_items(ctx: Ctx, kind: str, record_id: int, limit: int) -> list[TimelineItem]:
    """The automation runs about a record: the rule's name, what came of it and why."""
    from kht.automation.service import runs_on_record
    from kht.web.i18n import translations

    gettext = translations(ctx.language).gettext
    items = []
    for run, name in runs_on_record(ctx, kind, record_id, limit):
        details = run.error or "; ".join(str(done.get("note", "")) for done in run.done or [])
        body = gettext(RUN_STATUS.get(run.status, run.status))
        items.append(
            TimelineItem(
                at=run.finished_at or run.created_at,
                type="automation",
                title=name,
                body=f"{body}: {details}" if details else body,
                ref_kind="automation_run",
                ref_id=run.id,
            )
        )
    return items


def _action_item(action: Action) -> TimelineItem:
    return TimelineItem(
        at=action.done_at or action.created_at,
        type=action.type,
        title=action.subject,
        body=action.body,
        user_id=action.owner_id,
        ref_kind=KIND,
        ref_id=action.id,
    )


def _mail_item(message: MailMessage) -> TimelineItem:
    """A mail matched to the record, for readers who may read it (kht.mail.archive)."""
    return TimelineItem(
        at=message.sent_at,
        type="email",
        title=message.subject,
        body=" ".join(message.text_body.split())[:200],
        ref_kind="mail",
        ref_id=message.id,
    )


def _stage_item(change: StageChange, names: dict[str, str]) -> TimelineItem:
    """A lifecycle move, its stages named by their labels in the reader's language."""
    before = names.get(change.from_stage, change.from_stage) if change.from_stage else "—"
    return TimelineItem(
        at=change.at,
        type="stage",
        title=f"{before} → {names.get(change.to_stage, change.to_stage)}",
        body=change.cause,
        user_id=change.user_id,
    )


# Causes the sales service records by key (a user's own reason is shown as written).
STAGE_CAUSES = {
    "created": N_("Created"),
    "won": N_("Won"),
    "lost": N_("Lost"),
    "reopen": N_("Reopened"),
}


def _sales_stage_item(change: OpportunityStageChange, language: str) -> TimelineItem:
    from kht.web.i18n import translations

    name = change.stage_name_zh if language.startswith("zh") else change.stage_name_en
    cause = STAGE_CAUSES.get(change.cause)
    return TimelineItem(
        at=change.entered_at,
        type="sales_stage",
        title=f"→ {name}",
        body=translations(language).gettext(cause) if cause else change.cause,
        user_id=change.user_id,
        ref_kind="opportunity_stage",
        ref_id=change.id,
    )
