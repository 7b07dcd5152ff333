"""The public API of kht for plugins: everything a plugin may import from the core is here.

A plugin (an industry pack, a third-party package) imports from the core only

- this module, `kht.plugin_api`: hooks, the plain data types handed to the core (automation
  triggers and actions included), events,
  errors, the context, the generic record service, the data scope (record teams included:
  `add_team_member`, `remove_team_member`, `team_of`, and `on_team` / `scoped` for a
  plugin's own queries), the customer hierarchy (`customer_tree`, `customers_below`,
  `customer_group_of`, `customer_group_column`), page rendering,
  translations, chart and static helpers, report definitions, computed list columns for
  `kht_register_columns` (`ListColumn`, `days_between`), settings declarations
  (`SettingsDef`, `SettingField`: read them with `kht.settings.service.get_settings`), and
  the migration helpers; and
- the domain services and their schemas, `kht.<domain>.service` and `kht.<domain>.schemas`
  (e.g. `kht.leads.service.create_lead`, `kht.sales.orders.service.filtered`): the same
  functions the core's own API and pages call, with the same permission and scope checks.

Everything else (`kht.db`, `kht.web`, models, `kht.auth.*` internals) may change without
notice. `tests/plugins/test_public_api.py` checks every pack under `plugins/` and the
example plugin under `tests/` against this boundary.

Migrations of a plugin use `UtcDateTime` for times and `depends_on = CORE_REVISION`:

    from kht.plugin_api import CORE_REVISION, UtcDateTime
    revision = "0001_my_plugin"; down_revision = None
    branch_labels = ("my_plugin",); depends_on = CORE_REVISION
"""

from kht.auth.permissions import require
from kht.auth.scope import on_team, owned_by_visible
from kht.context import Ctx, RequestCtx
from kht.customers.hierarchy import below as customers_below
from kht.customers.hierarchy import customer_group_column
from kht.customers.hierarchy import group_of as customer_group_of
from kht.customers.hierarchy import tree as customer_tree
from kht.db.base import (
    Base,
    BusinessRecord,
    ExtensibleMixin,
    IdMixin,
    JSONType,
    Money,
    UtcDateTime,
    utcnow,
)
from kht.db.custom_fields import Choice, FieldDef
from kht.db.migrate import CORE_REVISION
from kht.demo_scale import demo_share
from kht.errors import (
    ActionFailed,
    Conflict,
    Forbidden,
    KhtError,
    NotAuthenticated,
    NotFound,
    ValidationError,
)
from kht.events import (
    ActionLogged,
    Event,
    LeadConverted,
    OrderPlaced,
    RecordCreated,
    RecordDeleted,
    RecordRestored,
    RecordsMerged,
    RecordUpdated,
    StageChanged,
)
from kht.hookspecs import hookimpl
from kht.lists.engine import Column as ListColumn
from kht.lists.engine import days_between
from kht.plugin_types import (
    MENU_SECTIONS,
    REPORT_CATEGORIES,
    AutomationAction,
    AutomationTrigger,
    KindMenu,
    ListParam,
    MailRecipientStatus,
    MenuItem,
    Panel,
    PeriodicTask,
    Permission,
    PluginInfo,
    Problem,
    ProcessDef,
    QuoteTemplateDef,
    RecordAction,
    RecordKind,
    RecordPages,
    ReportDef,
    ReportDimension,
    ReportMeasure,
    Score,
    ScorePart,
    SettingField,
    SettingsDef,
    SmsGatewayDef,
    SmsReceipt,
    SmsReply,
    SmsRequest,
    SmsResult,
    SmsStatus,
    StageDef,
    ValueModel,
    admin_menu,
    report,
    report_page,
)
from kht.record_service import (
    changes_of,
    create_record,
    delete_record,
    get_record,
    may_change,
    require_change,
    restore_record,
    scoped,
    shared_of,
    update_record,
    visible,
)
from kht.settings.migrating import settings_into_store, settings_out_of_store
from kht.teams.service import add_member as add_team_member
from kht.teams.service import remove_member as remove_team_member
from kht.teams.service import team_of
from kht.value.schemas import ScoreComputed
from kht.web.i18n import N_, translations
from kht.web.pages import render

__all__ = [
    "demo_share",
    "ActionFailed",
    "CORE_REVISION",
    "MENU_SECTIONS",
    "REPORT_CATEGORIES",
    "ActionLogged",
    "AutomationAction",
    "AutomationTrigger",
    "Base",
    "BusinessRecord",
    "Choice",
    "Conflict",
    "Ctx",
    "Event",
    "ExtensibleMixin",
    "FieldDef",
    "Forbidden",
    "IdMixin",
    "JSONType",
    "KhtError",
    "LeadConverted",
    "KindMenu",
    "ListColumn",
    "ListParam",
    "MenuItem",
    "Money",
    "N_",
    "NotAuthenticated",
    "NotFound",
    "OrderPlaced",
    "Panel",
    "Permission",
    "PluginInfo",
    "Problem",
    "ProcessDef",
    "QuoteTemplateDef",
    "RecordAction",
    "RecordCreated",
    "RecordDeleted",
    "RecordKind",
    "RecordPages",
    "ReportDef",
    "ReportDimension",
    "ReportMeasure",
    "RecordRestored",
    "RecordUpdated",
    "RecordsMerged",
    "RequestCtx",
    "Score",
    "ScoreComputed",
    "ScorePart",
    "SettingField",
    "SettingsDef",
    "PeriodicTask",
    "SmsGatewayDef",
    "SmsReceipt",
    "SmsReply",
    "MailRecipientStatus",
    "SmsRequest",
    "SmsResult",
    "SmsStatus",
    "StageChanged",
    "StageDef",
    "UtcDateTime",
    "ValidationError",
    "ValueModel",
    "add_team_member",
    "admin_menu",
    "changes_of",
    "create_record",
    "customer_group_column",
    "customer_group_of",
    "customer_tree",
    "days_between",
    "customers_below",
    "delete_record",
    "get_record",
    "hookimpl",
    "on_team",
    "owned_by_visible",
    "render",
    "report",
    "settings_into_store",
    "settings_out_of_store",
    "remove_team_member",
    "report_page",
    "require",
    "require_change",
    "may_change",
    "restore_record",
    "scoped",
    "shared_of",
    "team_of",
    "translations",
    "update_record",
    "utcnow",
    "visible",
]
