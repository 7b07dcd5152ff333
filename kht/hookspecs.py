"""Every extension point of kht, grouped by phase. Each docstring is the contract.

Naming: `kht_register_*` return things at start-up (sync, no I/O); `kht_prepare_*` adjust the
object passed in; `kht_resolve_*` pick one (first non-None result wins); `kht_on_*` react to
events inside the service's transaction; `kht_menu_*` / `kht_record_*` contribute UI.

Hooks are always called with keyword arguments. An implementation may accept any subset of
the arguments, but must not give a parameter a default value (pluggy would not pass it).
"""

from __future__ import annotations

from typing import Any

import pluggy

hookspec = pluggy.HookspecMarker("kht")
hookimpl = pluggy.HookimplMarker("kht")


# ---------------------------------------------------------------- identity and start-up


@hookspec(firstresult=True)
def kht_register_plugin() -> Any:
    """Describe the plugin.

    Returns: a `PluginInfo` (name, zh/en labels, version, `requires`, and its migrations,
    templates, static and locale folders). Every plugin must implement it.
    Called: when plugins are discovered, before the plugin is registered; first result wins,
    and the core calls it on each plugin module directly.
    """


@hookspec
def kht_register_models() -> Any:
    """Declare the plugin's tables.

    Returns: a list of SQLAlchemy model classes (built on `kht.plugin_api.Base`), each table
    named `<plugin>_<thing>`; the tables themselves are created by the plugin's migrations.
    Called: whenever a plugin manager is built (app, command, worker), where a table
    without the plugin's prefix is a start-up error, and by /admin/plugins.
    """


@hookspec
def kht_register_record_kinds() -> Any:
    """Declare the kinds of owned records the plugin (or core module) keeps.

    Returns: a list of `RecordKind` (kind, model, permission module, labels; optionally its
    URL plural, built-in fields, searchable columns, default sort, API schemas and its own
    service functions). Hand-over, audit history and the recycle bin work on every declared
    kind; a kind with `plural` and schemas gets the JSON API `/api/v1/<plural>` and export
    (kht.records.api), built when the app starts. Called: at start-up and whenever those
    services need the list; a kind declared twice is an error.
    """


@hookspec
def kht_register_fields(kind: str) -> Any:
    """Declare fields the plugin adds to a core record kind.

    Args: kind -- `customer`, `contact`, `lead`, `opportunity`, ...
    Returns: a list of `FieldDef` (their namespace is set to the plugin's name), or None.
    The values are stored under `ext.<plugin>` and validated like administrator fields.
    Called: whenever the field list of `kind` is needed (forms, validation, lists, exports).
    """


@hookspec
def kht_register_columns(kind: str, columns: dict) -> Any:
    """Add computed list columns to a record kind (the core's or another plugin's), for
    what the kind's own columns cannot say: a count or date from the plugin's own tables.

    Args: kind -- the record kind (`opportunity`, ...); columns -- its columns so far by
    key (`kht.plugin_api.ListColumn`), whose `expr` a computed column builds on, e.g. a
    subquery on the plugin's table correlated with `columns["id"].expr`.
    Returns: a list of `ListColumn` (key `<plugin>.<name>`, labels, list type, the SQL
    expression; a `choice` with its `Choice`s), or None. They filter, sort, export, show
    in saved views and group and measure in reports (kht.reports.engine) like built-in
    columns, under the same permission scope; a key the kind has already is an error naming
    it. Must only build expressions (no I/O).
    Called: whenever the kind's list columns are built (lists, exports, reports, builder).
    """


@hookspec
def kht_register_processes() -> Any:
    """Contribute default processes (stages, probabilities, gates, approvals).

    Returns: a list of `ProcessDef` (kht.plugin_types), each for one record kind (`kind`:
    opportunity, campaign, or a kind a plugin declares whose model has `process_id` and
    `stage_id`, such as a pack's project), or None; the first `is_default` one per kind
    becomes that kind's default. Called: when the schema is ready (see
    `kht_on_schema_ready`); a process is seeded once by key, then administrators own it.
    """


@hookspec
def kht_register_quote_templates() -> Any:
    """Contribute quote print templates (layout and default terms).

    Returns: a list of `QuoteTemplateDef`, or None. Called: when the schema is ready (see
    `kht_on_schema_ready`); templates are seeded once by key and then edited in the UI.
    """


@hookspec
def kht_on_schema_ready(ctx: Any) -> None:
    """Create the rows a module or plugin needs to work (default processes, templates).

    Must be idempotent: it runs after every `kht init` / `kht migrate`, when a plugin is
    enabled, and when the demo loads. Runs inside one transaction with `ctx.user` None.
    Called: after the schema of every enabled plugin is at head.
    """


@hookspec
def kht_register_value_models() -> Any:
    """Contribute scoring / value models (inputs, compute, explanation).

    Returns: a list of `ValueModel` (kht.plugin_types): `key`, `kind` (`lead`, `customer`,
    ...), zh/en labels and `compute(ctx, record) -> Score`, where `Score.total` is a Decimal
    or int from 0 to 100 and `Score.parts` lists `(label_zh, label_en, points, explanation)`
    (or `ScorePart`s) explaining the total. `compute` only reads; it may run without a user.
    The core (kht.value) stores each score in `value_scores`, recomputes it on
    `RecordCreated`, `RecordUpdated` and `ActionLogged` of that kind, nightly in the worker
    and with `kht scores recompute --kind <kind>`, fires `ScoreComputed`
    (kht.plugin_api) after each computation, and shows the scores on the record's page.
    Called: whenever scores of a kind are computed (cheap: no I/O).
    """


@hookspec
def kht_register_reports() -> Any:
    """Contribute reports to the catalogue (/reports, `GET /api/v1/reports`).

    Returns: a list of `ReportDef` (kht.plugin_types), or None: data, not code -- a record
    kind, at most two dimensions (rows, pivot columns) over its list columns, custom fields
    included (dates bucketed by day ... year, users rolled up to departments, numbers in
    ranges), measures (count, distinct, sum/avg/min/max, ratios of two measures), fixed
    filters in the list grammar `field:op:value` and a default chart. The core compiles each
    to one GROUP BY over the kind's scoped list query, so a reader sees only their scope and
    every cell drills down to the kind's list. A `ReportDef` with a `url` lists a page of
    its own. Keys are unique (`<plugin>.<name>` for a plugin's); a key given twice or a
    definition naming an unknown category, kind, bucket, aggregate or chart is an error
    naming it. Called: whenever the catalogue is built (cheap: no I/O).
    """


@hookspec
def kht_register_sms_gateways() -> Any:
    """Contribute SMS gateways (carriers kht can send template SMS through).

    Returns: a list of `SmsGatewayDef` (key, zh/en labels, `send(config, secret, request)`
    answering an `SmsResult`, and optionally `parse_receipts` / `parse_replies` for the
    carrier's callbacks). The administrator picks one through /api/v1/sms/gateway;
    its secret is sealed with the instance key. Called: when the SMS
    module lists, configures or uses gateways; a key given twice is an error.
    """


@hookspec
def kht_register_permissions() -> Any:
    """Declare the permission modules the plugin checks (rows of the role matrix).

    Returns: a list of `Permission` (module, zh/en labels, `default_grants` per built-in
    role). Roles grant a module the usual operations and a data scope; check them with
    `require(ctx.user, module, operation)`. Called: when the app, a command or the worker
    builds its plugin manager (a module declared twice -- by two plugins, or clashing with
    a core module -- is a start-up error naming both), for the role matrix, and when the
    plugin is enabled (its `default_grants` go to roles without a grant on the module).
    """


@hookspec
def kht_register_settings() -> Any:
    """Declare the settings the plugin (or core module) keeps in the core's settings store.

    Returns: a list of `SettingsDef` (owner key, a msgspec Struct with defaults, labels, the
    permission modules allowed to change them, a `SettingField` label/help/choices per field,
    optional extra checks). The core stores one versioned JSON row per owner, audits each
    change, serves GET/PUT /api/v1/settings/<owner> and generates the page
    /admin/settings/<owner>; read the values with `kht.settings.service.get_settings`.
    Called: whenever the settings service, its API or its pages need the declarations; an
    owner declared twice, or a field without its `SettingField`, is an error naming it.
    """


@hookspec
def kht_register_routes() -> Any:
    """Contribute HTTP routes.

    Returns: a list of litestar route handlers, controllers or routers. API routes belong
    under `/api/v1/<plugin>/`, UI pages under `/<plugin>/`. A handler receives the
    request's context (one session and transaction, the acting user) by declaring a
    parameter `ctx: RequestCtx` (kht.plugin_api). Called: once, when the app is built: a
    running server picks up a newly enabled plugin's routes when it restarts.
    """


@hookspec
def kht_register_commands(cli: Any) -> None:
    """Add commands to the `kht` command line.

    Args: cli -- the root click group; add commands or groups to it.
    Called: once, when the `kht` command starts (enabled plugins only).
    """


@hookspec
def kht_register_automation() -> Any:
    """Contribute automation triggers and actions (care rules, pack-specific moments).

    Returns: a list of `AutomationTrigger` and `AutomationAction` (kht.plugin_api); keys
    must be unique over all plugins (the core's are plain words, a plugin's
    `<plugin>.<name>`). A pack's care rule is typically a contributed trigger plus the
    core's actions. Called: when the automation engine builds its registry (saving or
    previewing a rule, each event, each worker tick); a key given twice is an error naming it.
    """


@hookspec
def kht_register_periodic_tasks() -> Any:
    """Contribute work the worker does on a schedule (nightly recalculations, reminders).

    Returns: a list of `PeriodicTask` (kht.plugin_api): a key (`<plugin>.<name>`), a cron
    expression read in the company's time zone and `run(runtime)`. Called: every minute by
    `kht worker` (enabled plugins only), which runs each task whose schedule matches,
    once per scheduled minute over all workers (kht.jobs.periodic); a key given twice or a
    bad cron expression is an error naming it.
    """


# ---------------------------------------------------------------- preparing objects


@hookspec
def kht_prepare_jinja_env(env: Any) -> None:
    """Add filters, tests and globals to the UI's Jinja2 environment.

    Args: env -- the `jinja2.Environment` of the UI. Called: once, when the app is built.
    """


# ---------------------------------------------------------------- UI contributions


@hookspec
def kht_menu_items(ctx: Any) -> Any:
    """Contribute navigation entries.

    Args: ctx -- the request context (user, language, settings).
    Returns: a list of `MenuItem`, or None. Called: on every page render; must be cheap.
    """


@hookspec
def kht_record_panels(ctx: Any, kind: str, record: Any) -> Any:
    """Contribute panels to a record's 360 page.

    Args: ctx -- request context; kind -- record kind; record -- the record shown.
    Returns: a list of `Panel`, or None. Called: when the record page renders.
    """


@hookspec
def kht_record_actions(ctx: Any, kind: str, record: Any) -> Any:
    """Contribute buttons to a record page.

    Args: ctx -- request context; kind -- record kind; record -- the record shown.
    Returns: a list of `RecordAction`, or None. Called: when the record page renders.
    """


@hookspec(firstresult=True)
def kht_record_close_form(ctx: Any, kind: str, record: Any) -> Any:
    """Give the form that closes a record (won / lost) in place of the core's.

    Args: ctx -- request context; kind -- record kind (`opportunity`); record -- the record
    shown. Returns: a `Panel` whose template is rendered where the core's close form (a
    free-text reason, "Mark won", "Mark lost") and its closed reason would be -- for records
    a plugin closes with data of its own (listed reasons, the winning competitor) -- or None
    for the core's. The plugin's form posts to its own route, which should close through the
    kind's service (`close_opportunity`) so gates, versions and history apply; a plugin that
    also holds the other close paths (API, board) to its rules does so in `kht_validate`.
    Called: when the record page renders; the first non-None answer wins.
    """


# ---------------------------------------------------------------- lifecycle


@hookspec
def kht_on_event(ctx: Any, event: Any) -> None:
    """React to a lifecycle event (`RecordCreated`, `StageChanged`, `LeadConverted`, ...).

    Args: ctx -- the context of the service call (its session and transaction);
    event -- a Struct from `kht.plugin_api` (`RecordCreated`, `RecordUpdated`,
    `StageChanged` with kind, record id, from/to stage keys and outcome, `ScoreComputed`,
    ...).
    Called: by services inside their transaction, after the change is flushed; an exception
    rolls the whole change back. Return values are ignored.
    """


@hookspec
def kht_on_mail_status(ctx: Any, change: Any) -> None:
    """React to a mass mail recipient's status change (a campaign updating its member).

    Args: ctx -- a context in the transaction that records the change (acting as the
    send's sender when the worker moves a batch, as nobody for opens, clicks, unsubscribes
    and bounces); change -- a `MailRecipientStatus` from `kht.plugin_api` (send id, the
    `origin` given to `kht.mail.mass.send_mass`, recipient, record, address, status, time).
    Called: once per change, inside that transaction (an exception rolls it back and the
    change is tried again later). Opens and clicks are reported the first time only.
    Return values are ignored.
    """


@hookspec
def kht_on_sms_status(ctx: Any, change: Any) -> None:
    """React to an SMS's status change (a campaign updating its member).

    Args: ctx -- a context in the transaction that records the change (acting as the
    send's sender when the worker moves a mass SMS batch, as nobody when the worker sends
    and for the carrier's receipts and replies); change -- an `SmsStatus` from
    `kht.plugin_api` (message id, the `origin` given to `kht.sms.mass.send_mass`, the
    record, number, status, time).
    Called: once per change, inside that transaction (an exception rolls it back and the
    change is tried again later). Every SMS is reported (`origin` empty for one-off ones).
    Return values are ignored.
    """


@hookspec
def kht_validate(ctx: Any, kind: str, record: Any, changes: dict) -> Any:
    """Check a write before it happens.

    Args: ctx -- context; kind -- record kind; record -- the record before the change (None
    on create); changes -- the field values about to be written.
    Returns: a list of `Problem` (field, message), or None. All problems of all plugins are
    collected; any problem refuses the write with HTTP 422. Called: before every create/update.
    """


@hookspec
def kht_gate_problems(ctx: Any, kind: str, record: Any, stage: Any) -> Any:
    """Say what else is missing before a record may leave a stage of its process forward.

    Args: ctx -- context; kind -- the record kind (`opportunity`, `campaign`, ...); record
    -- the record about to move; stage -- the stage it is leaving (its `key`, `name_en`,
    `process_id`). Returns: a list of messages naming what is missing ("a scorecard of at
    least 60 is needed before leaving Qualification: it is 42"), or None. They join the
    core's own gate problems (required actions, fields, approval); any refuses the move with
    a 422. Must only read. Called: by kht.processes.gates.gate_problems on every forward
    move (stage move, board drag, close as won by a person).
    """


@hookspec
def kht_demo_data(ctx: Any, size: int) -> None:
    """Create demo records through the public services (`kht demo`).

    Args: ctx -- a context acting as the administrator; size -- the customers the demo
    company is brought up to (`kht demo --size`, 3000 by default): scale bulk records by it
    with `kht.plugin_api.demo_share` (an implementation may leave `size` out of its
    parameters). Must be idempotent: `kht demo` may run twice. Called: by `kht demo`
    (which enables every installed plugin first), once, in pluggy's order: the plugins
    registered last (enabled packs, after the core) run first unless an implementation is
    marked `tryfirst` / `trylast` -- mark yours `trylast` if it needs the core's demo
    records.
    """
