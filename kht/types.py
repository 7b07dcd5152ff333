"""Annotated types shared by API schemas."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec

# Times must carry their offset: kht stores UTC and never guesses a zone.
AwareDateTime = Annotated[datetime, msgspec.Meta(tz=True)]
