"""Everything a plugin may use from the core, in one import (plus the public services)."""

from kht.context import Ctx, RequestCtx
from kht.db.base import Base, BusinessRecord, ExtensibleMixin, IdMixin, utcnow
from kht.db.custom_fields import Choice, FieldDef
from kht.errors import Conflict, Forbidden, KhtError, NotFound, ValidationError
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
from kht.plugin_types import MenuItem, Panel, Permission, PluginInfo, Problem, RecordAction

__all__ = [
    "ActionLogged",
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
    "KhtError",
    "LeadConverted",
    "MenuItem",
    "NotFound",
    "OrderPlaced",
    "Panel",
    "Permission",
    "PluginInfo",
    "Problem",
    "RecordAction",
    "RecordCreated",
    "RecordDeleted",
    "RecordRestored",
    "RecordUpdated",
    "RecordsMerged",
    "RequestCtx",
    "StageChanged",
    "ValidationError",
    "hookimpl",
    "utcnow",
]
