"""Annotated types shared by API schemas."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec

# Times must carry their offset: kht stores UTC and never guesses a zone.
AwareDateTime = Annotated[datetime, msgspec.Meta(tz=True)]

# The largest id any table holds on every supported database (PostgreSQL `integer`); SQLite
# stops at 2^63 - 1. Ids, pages and other counts from outside are checked against it.
MAX_ID = 2**31 - 1
Id = Annotated[int, msgspec.Meta(ge=1, le=MAX_ID)]
# The version a form or body carries back (optimistic locking), within the same range.
Version = Annotated[int, msgspec.Meta(ge=0, le=MAX_ID)]

# What record schemas repeat: a field left out of a partial update, a record's custom and
# plugin fields (`ext`), and the common text limits.
Unset = msgspec.UnsetType
UNSET = msgspec.UNSET
Ext = dict[str, dict[str, Any]]
Phone = Annotated[str, msgspec.Meta(max_length=40)]
Email = Annotated[str, msgspec.Meta(max_length=200)]
Notes = Annotated[str, msgspec.Meta(max_length=20000)]
