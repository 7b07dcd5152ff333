"""Everything a plugin may use from the core, in one import (plus the public services)."""

from kht.context import Ctx, RequestCtx
from kht.db.base import (
    Base,
    BusinessRecord,
    ExtensibleMixin,
    IdMixin,
    JSONType,
    UtcDateTime,
    utcnow,
)
from kht.db.custom_fields import FieldDef
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
from kht.plugin_types import (
    MenuItem,
    Panel,
    Permission,
    PluginInfo,
    Problem,
    RecordAction,
    RecordKind,
)

__all__ = [
    "ActionLogged",
    "Base",
    "BusinessRecord",
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
    "RecordKind",
    "RecordRestored",
    "RecordUpdated",
    "RecordsMerged",
    "RequestCtx",
    "StageChanged",
    "UtcDateTime",
    "ValidationError",
    "hookimpl",
    "utcnow",
]
