"""The plain data plugins hand to the core through hooks (plugin info, menu items, panels)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec

if TYPE_CHECKING:
    from kht.db.custom_fields import FieldDef


class PluginInfo(msgspec.Struct, frozen=True, kw_only=True):
    """What `kht_register_plugin` returns: identity, labels, needs and folders of a plugin.

    `name` is the plugin's namespace: its tables are `<name>_<thing>`, its custom fields live
    under `ext.<name>`, its API under `/api/v1/<name>/`, its Alembic branch label is `name`.
    """

    name: str
    label_zh: str
    label_en: str
    version: str = "0.1.0"
    requires: tuple[str, ...] = ()
    migrations: Path | None = None
    templates: Path | None = None
    # Script and style files, served at /static/plugins/<name>/ (pages run no inline script).
    static: Path | None = None
    # The plugin's message catalogues (<locale>/<language>/LC_MESSAGES/messages.po), used by
    # `_` after the core's; by default the `locale` folder next to the plugin's module.
    locale: Path | None = None
    description_zh: str = ""
    description_en: str = ""

    def label(self, language: str) -> str:
        return self.label_zh if language.startswith("zh") else self.label_en


# Menu sections: entries naming one are shown together in one drop-down of the top bar.
MENU_SECTIONS: dict[str, tuple[str, str]] = {
    "customers": ("客户", "Customers"),
    "marketing": ("营销", "Marketing"),
    "sales": ("销售", "Sales"),
    "service": ("服务", "Service"),
    "analysis": ("分析", "Analysis"),
    "admin": ("管理", "Admin"),
}


class MenuItem(msgspec.Struct, frozen=True, kw_only=True):
    """One entry of the main navigation; lower `order` comes first.

    `section` (a key of `MENU_SECTIONS`: customers, marketing, sales, service, analysis,
    admin) puts the entry in that drop-down; without one it stands on the bar by itself.
    """

    key: str
    label_zh: str
    label_en: str
    url: str
    icon: str = ""
    order: int = 100
    section: str = ""

    def label(self, language: str) -> str:
        return self.label_zh if language.startswith("zh") else self.label_en


class Panel(msgspec.Struct, frozen=True, kw_only=True):
    """A panel on a record's 360 page: a template rendered with `context`.

    On a phone the page shows `phone_first` panels (what a rep in the field needs: the
    timeline, the contacts) before everything else, open; the other sections fold.
    """

    key: str
    title_zh: str
    title_en: str
    template: str
    context: dict = {}
    order: int = 100
    phone_first: bool = False

    def title(self, language: str) -> str:
        return self.title_zh if language.startswith("zh") else self.title_en


class RecordAction(msgspec.Struct, frozen=True, kw_only=True):
    """A button on a record page; `method` POST buttons carry the CSRF token."""

    key: str
    label_zh: str
    label_en: str
    url: str
    method: str = "GET"

    def label(self, language: str) -> str:
        return self.label_zh if language.startswith("zh") else self.label_en


class Problem(msgspec.Struct, frozen=True, kw_only=True):
    """A validation problem returned by `kht_validate`: a message naming a field."""

    field: str
    message: str


class Permission(msgspec.Struct, frozen=True, kw_only=True):
    """A permission module a plugin adds to the role matrix, with its labels.

    Roles grant a plugin's module the same operations (view, create, edit, delete, import,
    export, assign, admin) and data scope as a core module; the plugin checks them with
    `require(ctx.user, module, operation)` or `ctx.user.can(module, operation)`.
    `default_grants` maps built-in role keys to the grant each gets when the plugin is
    enabled, in the roles' own shape: `{"sales_manager": {"ops": ["view", "admin"],
    "scope": "department_tree"}}`. They go only to roles without a grant on the module yet
    (an administrator's choice stays); the built-in administrator role gets every operation
    on every plugin module unless named here. A module declared twice (by two plugins, or
    clashing with a core module) is a start-up error naming both.
    """

    module: str
    label_zh: str
    label_en: str
    default_grants: dict[str, dict[str, Any]] = {}


class KindMenu(msgspec.Struct, frozen=True, kw_only=True):
    """Where a record kind's list stands in the navigation: a `MENU_SECTIONS` key (empty: on
    the bar by itself), a Bootstrap icon name and the order (lower first)."""

    section: str = ""
    icon: str = ""
    order: int = 100


class ListParam(msgspec.Struct, frozen=True, kw_only=True):
    """A kind's own parameter of its list `GET /api/v1/<plural>` (`RecordKind.list_params`),
    for a filter the `f=field:op:value` grammar does not say well (an action's `mine`: owned
    or taking part). The API shows it in the OpenAPI document with its type and description.

    `type` is its annotation (`str`, `bool`, `int | None`); a value equal to `default` (the
    parameter left out) applies nothing; any other value narrows the list's scoped query:
    `apply(ctx, query, value) -> query` (add WHERE clauses only; the sort and the page are
    the core's).
    """

    name: str
    type: Any
    apply: Any
    default: Any = None
    description: str = ""


class RecordPages(msgspec.Struct, frozen=True, kw_only=True):
    """How a record kind's web pages differ from the shared ones (kht.recordpages).

    A kind declaring `pages` (with `plural`, `fields`, `columns`, `query`, `create`,
    `update` and their schemas) gets, with no page code of its own: the list page at
    `/<plural>` (filters, sort, columns, saved views, bulk bar, export, chips), the form at
    `/<plural>/new` and `/<plural>/{id}/edit` (posted to the same URL, or to `/<plural>` and
    `/<plural>/{id}`) with its custom fields, a stale version shown as "changed by someone
    else — reload" (409) and bad input next to its field (422), the detail page at
    `/<plural>/{id}` (fields, custom fields, panels, buttons, history) and
    `/<plural>/{id}/delete`. Field labels, choice labels and value types come from
    `fields`; these say only where the kind differs:

    - `form_fields` / `detail_fields`: the built-in fields on the form / the detail page, in
      order (default: every field of `fields`; the form keeps those its schemas accept);
    - `badge`, `subtitle`: fields shown beside the record's name in its heading;
    - `edit_on_page`: the edit form is a section of the detail page (else a page of its own);
    - `unowned_zh` / `unowned_en`: what an empty owner is called (the shared pool);
    - `list_filters`: query parameters that filter the list on the field of that name
      (`?status=new` is `f=status:eq:new`); `list_actions`: links beside "New";
    - `labels(ctx) -> {field: {value: label}}`: labels of stored values known only at run
      time (a customer's lifecycle stages), for the list, the detail page and the history;
    - `list_context(ctx, rows) -> dict` and `detail_context(ctx, record) -> dict`: more
      values for the templates (e.g. reference names for the cells); `refs` among them
      (`{field: {value: label}}`) labels the record's references (its contact's name), and
      `can_edit` replaces the module's edit permission for the page's Edit button;
    - `form_context(ctx, form, record) -> dict`: the same for the form (default
      `detail_context`), `refs` giving a reference's choices (the customer's contacts);
    - `new_values(ctx) -> dict`: what a new record's form starts with beyond the create
      schema's defaults (today's date);
    - `form_values(ctx, data, record) -> dict`: values of the kind's own inputs read from
      the posted form (a quote's line editor), added to those of the declared fields;
    - `own_pages`: the pages the kind still serves with handlers of its own, `"form"`
      (new, create, edit, save) and/or `"detail"` (the record page and delete);
    - `form_template` / `detail_template`: the kind's own template, extending
      "records/form.html" / "records/detail.html" and filling some of their blocks — the
      override is the exception, visible in the kind's folder.
    """

    form_fields: tuple[str, ...] = ()
    detail_fields: tuple[str, ...] = ()
    badge: str = ""
    subtitle: str = ""
    edit_on_page: bool = False
    unowned_zh: str = ""
    unowned_en: str = ""
    list_filters: tuple[str, ...] = ()
    list_actions: tuple[RecordAction, ...] = ()
    labels: Any = None
    list_context: Any = None
    detail_context: Any = None
    form_context: Any = None
    new_values: Any = None
    form_values: Any = None
    own_pages: tuple[str, ...] = ()
    form_template: str = ""
    detail_template: str = ""

    def unowned(self, language: str) -> str:
        return self.unowned_zh if language.startswith("zh") else self.unowned_en


class RecordKind(msgspec.Struct, frozen=True, kw_only=True):
    """A kind of owned record (customer, lead, ...): the whole contract of a record kind.

    A core module or a plugin declares a kind once (through `kht_register_record_kinds`) and
    the core gives it what every kind has: hand-over, audit history, the recycle bin, saved
    views, bulk operations and, with `plural` and the schemas, the JSON API
    `/api/v1/<plural>` (list, create, get, update, delete, restore, columns, bulk). Every
    service hook is optional: without one the generic record service (`kht.record_service`)
    does the work, so a simple kind declares data only; a kind with rules of its own names
    its service function here, and that override is the visible exception.
    """

    # ---- identity
    # The record kind's name (`customer`, `<plugin>_<thing>`), used in audit, tags, views.
    kind: str
    # The SQLAlchemy model: owned (`owner_id`), versioned, soft-deleted (`deleted_at`), `ext`.
    model: Any
    # The permission module whose view/create/edit/delete operations guard the kind.
    module: str
    # The kind's name in lists and menus (plural: "客户" / "Customers").
    label_zh: str
    label_en: str
    # The URL segment of its API and pages (`contacts` -> /api/v1/contacts); empty: no API.
    plural: str = ""

    # ---- fields, search and sort
    # The built-in fields (`FieldDef` with `namespace=""`: a column of `model` named `name`)
    # with their types, labels and choices, in the order forms and detail pages show them.
    # Custom and plugin fields are added by the core (`kht.fields.fields_for`).
    fields: tuple[FieldDef, ...] = ()
    # The columns (names of `model` attributes) the list's search box `q` looks in.
    searchable: tuple[str, ...] = ()
    # The list's default order: a column key, `-` first for descending.
    default_sort: str = "-updated_at"

    # ---- lists, views, bulk, inline edit, hand-over
    # Which records a hand-over moves: `open_filter()` -> SQLAlchemy clause (default: all
    # live records of the user).
    open_filter: Any = None
    # Whether a record has an owner to give it to (bulk "assign owner"); False for shared
    # records such as products, which the bulk bar then does not offer to assign.
    owned: bool = True
    # Whose record teams (kht.teams) open this kind's records besides each record's own:
    # (parent kind, name of the column holding the parent's id), e.g. a quote's
    # ("opportunity", "opportunity_id"); the parent kind "*" means the record names its
    # parent's kind in its `kind` column (an action's `kind` + `record_id`).
    team_parents: tuple[tuple[str, str], ...] = ()
    # What a list shows, filters and sorts by. By default every built-in field is a column
    # (its type, labels and choices from the `FieldDef`; a number field named `<thing>_id`
    # holds a reference, filtered by id), then the standard columns `owner_id` (owned kinds),
    # `created_at`, `updated_at`, `id` and `tag`, then the custom and plugin fields.
    # `list_defaults`: the columns shown before a user chooses (default: the first four
    # fields, the owner and the last update).
    list_defaults: tuple[str, ...] = ()
    # `more_columns(ctx) -> list[Column]`: the kind's own columns besides its fields (a
    # computed column, a field filtered its own way); one with a field's key replaces it.
    more_columns: Any = None
    # `columns(ctx) -> {key: kht.lists.engine.Column}`: the whole list instead of the above.
    columns: Any = None
    # The list API's parameters of this kind besides the common ones (`q`, `sort`, `f`,
    # `view`, `deleted`, the page): see `ListParam`.
    list_params: tuple[ListParam, ...] = ()
    # `query(ctx, q=, filters=, deleted=)` -> the scoped, filtered, unsorted SELECT behind the
    # list, export, bulk operations and saved views.
    query: Any = None
    # `update(ctx, record_id, data) -> record`: the partial update (checks `data.version`,
    # 409 when stale); default: `record_service.update_record` with the Struct's fields.
    update: Any = None
    # The msgspec Struct of a partial update (`version` plus UNSET-able fields). A list cell
    # is editable in place exactly when this Struct has a field of the column's name.
    update_schema: Any = None
    # Whether list cells may be edited in place (given `update` and `update_schema`); a
    # kind whose edits need a whole form (a quote's lines) says False.
    inline_edit: bool = True

    # ---- the JSON API (given `plural`, `create_schema`, `update_schema` and `out_schema`)
    # The msgspec Struct a client POSTs to create a record.
    create_schema: Any = None
    # The msgspec Struct the API answers with; its fields are read from the record's
    # attributes (`ext` as a dict, `tags` as the record's tag names) unless `to_out` is given.
    out_schema: Any = None
    # `to_out(ctx, record, tags) -> out_schema`: for answers holding more than the record's
    # own columns (computed status, lines); `kht.record_service.record_out` helps build one.
    to_out: Any = None
    # `to_outs(ctx, records, tags_by_id) -> [out_schema]`: a list page's answers at once, for
    # a kind whose answer reads other tables (one query for the page, not one per record);
    # default: `to_out` record by record.
    to_outs: Any = None
    # The msgspec Struct of `POST /bulk` (default `kht.records.schemas.BulkRequest`) and
    # `bulk(ctx, data, ids) -> int | None`, the kind's own bulk actions (None: not one of
    # them, the generic assign/tag/set/delete/restore applies).
    bulk_schema: Any = None
    bulk: Any = None

    # ---- service functions (default: the generic record service)
    # `get(ctx, record_id) -> record` in scope, else NotFound (404).
    get: Any = None
    # `create(ctx, data) -> record` from a `create_schema` instance.
    create: Any = None
    # `delete(ctx, record_id) -> None`: to the recycle bin.
    delete: Any = None
    # `restore(ctx, record_id) -> record`: back from the recycle bin.
    restore: Any = None

    # ---- messages (the automation actions `send_mail` and `send_sms`)
    # `message_to(ctx, record, channel, run) -> (kind, record_id)`: for a kind whose records
    # carry no address of their own (a member: its customer's), the customer, contact or
    # lead a mail (`channel` "email") or an SMS ("sms") about `record` goes to, and whose
    # merge fields fill the template. Called inside the automation run's transaction (`run`
    # is the run), so what it records commits with the message. Raise `ActionFailed` (worded
    # in the reader's language) to send nothing, e.g. without the record's consent to the
    # channel. Declaring it offers both actions on the kind's rules.
    message_to: Any = None

    # ---- web pages
    # The list, form and detail pages kht.recordpages builds (None: the kind has none).
    pages: RecordPages | None = None
    # The kind's entry in the main navigation (its label, at `/<plural>`), shown to users
    # whose role may view `module`.
    menu: KindMenu | None = None

    def label(self, language: str) -> str:
        return self.label_zh if language.startswith("zh") else self.label_en


class StageDef(msgspec.Struct, frozen=True, kw_only=True):
    """A stage of a contributed process. `outcome` is open, won, lost (opportunities) or
    closed (other kinds); leaving the stage
    needs every action type in `required_actions` logged on the record and every field in
    `required_fields` filled (built-in names like `amount`, or `<namespace>.<field>`)."""

    key: str
    name_zh: str
    name_en: str
    probability: int = 0
    outcome: str = "open"
    required_actions: tuple[str, ...] = ()
    required_fields: tuple[str, ...] = ()
    # A role key: leaving the stage needs a user with that role to approve ("" = none).
    approval_role: str = ""


class ProcessDef(msgspec.Struct, frozen=True, kw_only=True):
    """A default process a plugin contributes through `kht_register_processes`.

    Seeded once (by `key`) when the schema is ready; afterwards administrators own it and
    may change it in the UI. `product_lines` are business-line names the process is for.
    """

    key: str
    name_zh: str
    name_en: str
    stages: tuple[StageDef, ...]
    kind: str = "opportunity"
    description: str = ""
    is_default: bool = False
    product_lines: tuple[str, ...] = ()


class QuoteTemplateDef(msgspec.Struct, frozen=True, kw_only=True):
    """A quote print template a plugin contributes through `kht_register_quote_templates`.

    `body` is a sandboxed Jinja template rendered with the quote, its lines, the customer and
    the company; `terms` are the default terms a new quote using it starts with.
    """

    key: str
    name: str
    body: str
    terms: str = ""
    is_default: bool = False


class ScorePart(msgspec.Struct, frozen=True, kw_only=True):
    """One line of a score's explanation: what earned `points` and why.

    `explanation` is shown to every reader; `explanation_en`, if given, to English readers.
    """

    label_zh: str
    label_en: str
    points: Decimal | int
    explanation: str = ""
    explanation_en: str = ""

    def label(self, language: str) -> str:
        return self.label_zh if language.startswith("zh") else self.label_en

    def explain(self, language: str) -> str:
        if language.startswith("zh") or not self.explanation_en:
            return self.explanation
        return self.explanation_en


class Score(msgspec.Struct, frozen=True, kw_only=True):
    """What a value model computes for one record: `total` (0..100) and the parts behind it.

    `parts` are `ScorePart`s, or tuples `(label_zh, label_en, points, explanation)`.
    """

    total: Decimal | int
    parts: tuple[Any, ...] = ()


class ValueModel(msgspec.Struct, frozen=True, kw_only=True):
    """A scoring / value model a plugin contributes through `kht_register_value_models`.

    `key` is unique (`<plugin>.<name>`); `kind` is the record kind it scores (`lead`,
    `customer`, ...); `compute(ctx, record) -> Score` must only read (the core stores the
    result in `value_scores` and recomputes it when the record changes or an action is
    logged on it). `compute` may run without a logged-in user (`ctx.user` None): the
    worker, the CLI, a lead from the public web form.

    `inputs` names the record's fields `compute` reads, so a write that changes none of them
    does not recompute it: None (the default) recomputes on every change of the record and
    every action logged on it; a tuple recomputes on a `RecordUpdated` only when one of
    those fields changed (`ext` or `ext.<namespace>` for custom and plugin fields) and not
    on actions. A new record is always scored. A model whose inputs live in its plugin's
    own tables (a scorecard) gives `()` and calls `kht.value.service.score_record` when
    they change; the nightly run and `kht scores recompute` catch up either way.
    """

    key: str
    kind: str
    label_zh: str
    label_en: str
    compute: Any
    description_zh: str = ""
    description_en: str = ""
    inputs: tuple[str, ...] | None = None

    def reads(self, changes: dict[str, Any]) -> bool:
        """Whether a change of the record (`RecordUpdated.changes`: field -> [old, new])
        touches an input of the model."""
        if self.inputs is None:
            return True
        for key, value in changes.items():
            if key == "ext" and isinstance(value, list | tuple) and len(value) == 2:
                old, new = (part if isinstance(part, dict) else {} for part in value)
                touched = {f"ext.{ns}" for ns in {*old, *new} if old.get(ns) != new.get(ns)}
                if touched & set(self.inputs) or "ext" in self.inputs:
                    return True
            elif key in self.inputs:
                return True
        return False

    def label(self, language: str) -> str:
        return self.label_zh if language.startswith("zh") else self.label_en


# Report categories: a `ReportDef.category` names one; the catalogue shows them in this order.
REPORT_CATEGORIES: dict[str, tuple[str, str]] = {
    "customers": ("客户", "Customers"),
    "leads": ("线索", "Leads"),
    "contacts": ("联系人", "Contacts"),
    "actions": ("行动", "Actions"),
    "opportunities": ("销售机会", "Opportunities"),
    "quotes": ("报价", "Quotes"),
    "orders": ("订单", "Orders"),
    "payments": ("回款", "Payments"),
    "products": ("产品", "Products"),
    "forecast": ("目标与预测", "Quotas and forecast"),
    "lifecycle": ("生命周期", "Lifecycle"),
    "pool": ("公海", "Pool"),
    "marketing": ("市场", "Marketing"),
    "service": ("服务", "Service"),
    "membership": ("会员", "Membership"),
    "promotion": ("促销", "Promotion"),
    "projects": ("项目销售", "Project sales"),
    "key_accounts": ("大客户", "Key accounts"),
}
# How a dimension groups its field: dates by period, users by their department (or the
# top department of its tree), numbers by the `ranges` edges.
REPORT_BUCKETS = (
    "day",
    "week",
    "month",
    "quarter",
    "year",
    "department",
    "department_tree",
    "range",
)
REPORT_AGGREGATES = ("count", "distinct", "sum", "avg", "min", "max", "ratio", "per")
# Derived from two earlier measures of the same group, not aggregated themselves.
DERIVED_AGGREGATES = ("ratio", "per")
REPORT_CHARTS = ("bar", "stacked", "line", "pie", "funnel", "table")


class ReportDimension(msgspec.Struct, frozen=True, kw_only=True):
    """What a report groups by: a field of its kind (a list column key such as `owner_id`,
    `stage`, `created_at` or `ext.custom.level`), optionally bucketed (see REPORT_BUCKETS):
    a date by `day` ... `year`, a user by `department` / `department_tree`, a number by
    `range` with ascending `ranges` edges (`(0, 10000, 100000)`: below 0, 0 to 10000, ...)."""

    field: str
    bucket: str = ""
    ranges: tuple[int | Decimal, ...] = ()


class ReportMeasure(msgspec.Struct, frozen=True, kw_only=True):
    """A number a report computes per group (see REPORT_AGGREGATES).

    `count` counts records (`field` empty) or, with `distinct`, distinct values of `field`;
    `sum`, `avg`, `min`, `max` need a number or money `field`; `weight` (a number field in
    percent, such as `probability`) weighs a `sum`. `filters` (`field:op:value`) make any of
    them conditional (count only the won ones). `ratio` is `numerator` / `denominator`, the
    keys of two measures listed before it, as a percentage (a win rate); `per` is the same
    quotient as an amount to the cent (a cost per lead), empty where the denominator is 0."""

    key: str
    label_zh: str
    label_en: str
    agg: str = "count"
    field: str = ""
    weight: str = ""
    filters: tuple[str, ...] = ()
    numerator: str = ""
    denominator: str = ""

    def label(self, language: str) -> str:
        return self.label_zh if language.startswith("zh") else self.label_en


COUNT = ReportMeasure(key="count", label_zh="数量", label_en="Count")


class ReportDef(msgspec.Struct, frozen=True, kw_only=True):
    """A report, as data: what `kht_register_reports` returns, and what a saved report is.

    The engine (kht.reports) compiles it to one GROUP BY over the kind's scoped list query
    (`RecordKind.query`): `kind` is a declared record kind; `dimensions` (at most two: rows,
    then the pivot's columns) and `measures` name its list columns (custom fields included);
    `filters` are fixed `field:op:value` filters in the list grammar (a date may be `today`,
    `today-30` or `today+30`: days from the reader's today); `chart` is the default chart
    (REPORT_CHARTS). Every cell drills down to the kind's list page filtered to its records.
    A report the engine cannot express (a funnel) gives the `url` of its own page instead,
    guarded by `module` (the permission module whose view right it needs)."""

    key: str
    category: str
    title_zh: str
    title_en: str
    description_zh: str = ""
    description_en: str = ""
    kind: str = ""
    dimensions: tuple[ReportDimension, ...] = ()
    measures: tuple[ReportMeasure, ...] = (COUNT,)
    filters: tuple[str, ...] = ()
    chart: str = "bar"
    url: str = ""
    module: str = ""

    def title(self, language: str) -> str:
        return self.title_zh if language.startswith("zh") else self.title_en

    def description(self, language: str) -> str:
        return self.description_zh if language.startswith("zh") else self.description_en


def report(
    kind: str,
    category: str,
    key: str,
    title_zh: str,
    title_en: str,
    *dimensions: ReportDimension | str,
    **more: Any,
) -> ReportDef:
    """A `ReportDef` in one line: each dimension a `ReportDimension` or `"field"` /
    `"field:bucket"` (`"created_at:month"`, `"owner_id:department"`); `more` holds the
    other fields (measures, filters, chart, descriptions)."""
    dims = tuple(
        item
        if isinstance(item, ReportDimension)
        else ReportDimension(field=item.partition(":")[0], bucket=item.partition(":")[2])
        for item in dimensions
    )
    return ReportDef(
        key=key,
        category=category,
        title_zh=title_zh,
        title_en=title_en,
        kind=kind,
        dimensions=dims,
        **more,
    )


def report_page(
    key: str, category: str, module: str, url: str, *titles: str, chart: str = "bar"
) -> ReportDef:
    """A catalogue entry for a report with a page of its own (`url`), guarded by the view
    right on `module`; `titles` are title_zh, title_en, description_zh, description_en."""
    title_zh, title_en, description_zh, description_en = (*titles, "", "")[:4]
    return ReportDef(
        key=key,
        category=category,
        module=module,
        url=url,
        chart=chart,
        title_zh=title_zh,
        title_en=title_en,
        description_zh=description_zh,
        description_en=description_en,
    )


def admin_menu(ctx: Any, module: str, operation: str = "admin", **item: Any) -> list[MenuItem]:
    """An entry of the admin section (and so of /admin) for users whose role may do
    `operation` on `module`; none for the others. `item` holds MenuItem's other fields."""
    user = getattr(ctx, "user", None)
    if user is None or not user.can(module, operation):
        return []
    return [MenuItem(section="admin", **item)]


class AutomationTrigger(msgspec.Struct, frozen=True, kw_only=True):
    """A trigger automation rules can start from (`kht_register_automation`).

    `key` is stored in rules (`<plugin>.<name>` for a plugin's own); `kinds` are the record
    kinds it applies to (empty: every kind); `params` is a msgspec Struct type of the
    trigger's settings (validated when a rule is saved: a bad one is a 422 naming
    `trigger.params.<field>`). Exactly one of:

    - `matches(event, params) -> bool`: an event trigger, asked about every lifecycle event
      (`kht.plugin_api` events) of a record of the rule's kind, inside the transaction that
      fired it; a match queues a run that the engine carries out after the commit;
    - `due(ctx, spec, params, rule_zone, now) -> (condition, occurrence)`: a time trigger the
      worker evaluates every minute. It returns a SQL condition on `spec.model` selecting the
      records due at `now` (read in `rule_zone`, the company's time zone) and a function
      `occurrence(record) -> str` naming the occurrence each is due for (e.g. the year of a
      birthday), so a record fires once per occurrence. The preview uses the same function.

    `describe(params, gettext) -> str` words the trigger for people (in their language).
    """

    key: str
    label_zh: str
    label_en: str
    params: Any = None
    kinds: tuple[str, ...] = ()
    matches: Any = None
    due: Any = None
    describe: Any = None

    def label(self, language: str) -> str:
        return self.label_zh if language.startswith("zh") else self.label_en

    @property
    def timed(self) -> bool:
        return self.due is not None


class AutomationAction(msgspec.Struct, frozen=True, kw_only=True):
    """An action automation rules can take (`kht_register_automation`).

    `params` is a msgspec Struct type of its settings (a bad one is a 422 naming
    `actions[i].params.<field>` when the rule is saved); `check(ctx, spec, params)` may
    refuse settings that need the database (an unknown user, a field the kind lacks) by
    raising `ValidationError`. `run(ctx, spec, record, params, run) -> str` does the work
    inside the run's transaction, acting as the rule's author, and returns a short note of
    what it did (kept on the run); raising makes the run retry with backoff and, after the
    last try, end as failed with every change of that try rolled back. `kinds` limits it
    to record kinds (empty: every kind); with `addressed` it is also offered on every kind
    that declares `RecordKind.message_to` (mail and SMS reach a member through its
    customer); `describe(params, gettext) -> str` words it.
    """

    key: str
    label_zh: str
    label_en: str
    run: Any
    params: Any = None
    kinds: tuple[str, ...] = ()
    addressed: bool = False
    check: Any = None
    describe: Any = None

    def label(self, language: str) -> str:
        return self.label_zh if language.startswith("zh") else self.label_en


class MailRecipientStatus(msgspec.Struct, frozen=True, kw_only=True):
    """A mass mail recipient's status changed (`kht_on_mail_status`).

    `status`: `sent` (the SMTP server took it), `refused` (refused for good), `failed` (its
    merge fields could not be filled), `suppressed` (skipped: on the suppression list),
    `bounced`, `complained`, `opened`, `clicked`, `unsubscribed`. `origin` is what the sender
    passed to `kht.mail.mass.send_mass` (a campaign: `campaign:12`); `kind` and `record_id`
    the record the mail went to; `at` the instant (UTC)."""

    send_id: int
    origin: str
    recipient_id: int
    kind: str
    record_id: int
    email: str
    status: str
    at: datetime


class SmsStatus(msgspec.Struct, frozen=True, kw_only=True):
    """An SMS's status changed (`kht_on_sms_status`).

    `status`: `sent` (the carrier accepted it), `refused` (the carrier refused it for
    good), `delivered` / `undelivered` (its delivery receipt), `opted_out` (the number
    opted out: at the send, or by replying TD / T / 退订), `replied` (another reply from
    the number), and for a mass SMS recipient that never became a message (`message_id`
    None) `limited` (the number's daily limit) or `failed` (its parameters could not be
    filled). `origin` is what the sender passed to `kht.sms.mass.send_mass` (a campaign:
    `campaign:12`); `kind` and `record_id` the record the SMS went to; `at` the instant
    (UTC)."""

    message_id: int | None
    origin: str
    kind: str
    record_id: int | None
    number: str
    status: str
    at: datetime


# A nightly task's catch-up window: six hours after a worker that was stopped over night.
NIGHTLY_CATCH_UP = 6 * 60


class PeriodicTask(msgspec.Struct, frozen=True, kw_only=True):
    """Work the worker does on a schedule (`kht_register_periodic_tasks`).

    `key` names it (`<plugin>.<name>` for a plugin's own; unique); `cron` is a five-field
    cron expression (minute hour day month weekday) read in the company's time zone
    (KHT_COMPANY_TIME_ZONE), so "30 2 * * *" is 02:30 there. `run(runtime)` does the work
    with a `kht.runtime.Runtime` (open `runtime.ctx()` for a system context) and may return
    a short note. Each scheduled minute runs once however many workers there are (claimed
    in `periodic_runs`); a minute missed while no worker ran is caught up within
    `catch_up_minutes` (only the latest one), later ones are skipped. An exception is logged
    and kept on the claim; the next scheduled minute runs again.
    """

    key: str
    cron: str
    run: Any
    description: str = ""
    catch_up_minutes: int = 10


class SmsRequest(msgspec.Struct, frozen=True, kw_only=True):
    """One template SMS for a gateway to send: the carrier's template `template_code`, its
    `params` (parameter name -> text, already filled in from the record), the `signature`
    name registered at the carrier, the number in E.164 form (`+8613800138000`) and
    `reference`, kht's id of the message (a carrier that accepts an out-id gets it, so a
    retried message can be recognised)."""

    number: str
    template_code: str
    params: dict[str, str]
    signature: str
    reference: str


class SmsResult(msgspec.Struct, frozen=True, kw_only=True):
    """A gateway's answer to one `SmsRequest`. `accepted`: the carrier took it (its id in
    `carrier_id`, the price in `cost` when the carrier says). Not accepted: `retry` True
    when it may go through later (carrier down, throttled, a 5xx), False when it never
    will (unknown number, template refused); `error` says why, without secrets."""

    accepted: bool
    carrier_id: str = ""
    cost: Decimal | None = None
    error: str = ""
    retry: bool = True


class SmsReceipt(msgspec.Struct, frozen=True, kw_only=True):
    """A delivery receipt: the carrier's id of a message, `delivered` or not, the cost
    when reported and the carrier's error code."""

    carrier_id: str
    delivered: bool
    cost: Decimal | None = None
    error: str = ""


class SmsReply(msgspec.Struct, frozen=True, kw_only=True):
    """A message a recipient sent back (an opt-out when its text is TD, T or 退订)."""

    number: str
    text: str


class SmsGatewayDef(msgspec.Struct, frozen=True, kw_only=True):
    """An SMS gateway, contributed through `kht_register_sms_gateways`.

    - `send(config, secret, request) -> SmsResult`: send one `SmsRequest`. `config` is the
      administrator's non-secret settings (endpoint URL, access key id, region, signer...),
      `secret` the unsealed access key secret (never log or return it). Called by the SMS
      worker with no transaction open; it must not raise for carrier trouble (answer
      `SmsResult(accepted=False, retry=True)`), and should time out within 30 seconds.
    - `parse_receipts(payload) -> list[SmsReceipt]` and `parse_replies(payload) ->
      list[SmsReply]`: the carrier's callback bodies (decoded JSON) read into receipts and
      replies; a body they cannot read raises ValueError (the callback answers 422).
    """

    key: str
    label_zh: str
    label_en: str
    send: Any
    parse_receipts: Any = None
    parse_replies: Any = None


class SettingField(msgspec.Struct, frozen=True, kw_only=True):
    """How one field of a settings Struct shows on its generated page (`SettingsDef.fields`).

    `label` and `help` are English messages looked up in the catalogues (the core's, then
    every plugin's), so a pack translates them in its own `locale` folder; mark them with
    `N_`. `choices` lists the values a field may take with their labels, for a `Literal` or a
    list of keys (drawn as a select or check boxes): a tuple of `(value, label)` or a function
    `choices(ctx) -> [(value, label), ...]` for values known only at run time (users, queues).
    `keys` does the same for the keys of a dict field (one input per key: territories by
    province, visits by grade). `widget="json"` edits the field as JSON text (lists of
    records, nested Structs); it is chosen by itself for a type the form has no input for.
    """

    label: str
    help: str = ""
    choices: Any = None
    keys: Any = None
    widget: str = ""


class SettingsDef(msgspec.Struct, frozen=True, kw_only=True):
    """Settings a plugin or core module keeps in the core's one settings store
    (`kht_register_settings`); read them with `kht.settings.service.get_settings(ctx, owner)`.

    `owner` is the store's key (the plugin's name); `schema` a msgspec Struct whose every field
    has a default (the value until an administrator saves) and whose bounds (`msgspec.Meta`)
    are the validation; `fields` gives every field its `SettingField` (a field without one is
    a start-up error: no raw keys on screen). Users whose role may do `operation` on any of
    `modules` read and change them (GET/PUT /api/v1/settings/<owner>, the page
    /admin/settings/<owner>). `check(ctx, value)` adds rules the Struct cannot say (between
    fields, against the database): it raises `ValidationError` naming the field, and may
    return a cleaned value. `saved(ctx, value)` runs after a save in the same transaction
    (drop a cache). `intro` names a template shown above the form (explanations).
    """

    owner: str
    schema: Any
    label_zh: str
    label_en: str
    modules: tuple[str, ...]
    fields: dict[str, SettingField]
    operation: str = "admin"
    check: Any = None
    saved: Any = None
    intro: str = ""
    icon: str = "sliders"

    def label(self, language: str) -> str:
        return self.label_zh if language.startswith("zh") else self.label_en
