"""API types of the project-sales pack."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec

Id = Annotated[int, msgspec.Meta(ge=1)]
Level = Annotated[int, msgspec.Meta(ge=1, le=5)]
Text = Annotated[str, msgspec.Meta(max_length=5000)]
Note = Annotated[str, msgspec.Meta(max_length=500)]
Role = Literal[
    "decision_maker",
    "economic_buyer",
    "technical_evaluator",
    "user",
    "influencer",
    "gatekeeper",
    "champion",
    "coach",
]
Attitude = Literal["supporter", "neutral", "opponent"]


class ScoresIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Scores 0-5 by criterion key; the ones not named keep their latest score."""

    scores: dict[str, Annotated[int, msgspec.Meta(ge=0, le=5)]]
    note: Note = ""


class CriterionOut(msgspec.Struct, kw_only=True):
    key: str
    label_zh: str
    label_en: str
    weight: int
    guidance_zh: str
    guidance_en: str
    score: int | None
    scored_at: datetime | None


class ScorecardOut(msgspec.Struct, kw_only=True):
    """The scorecard now: each criterion's latest score, the weighted total (0-100) and the
    minimum the qualification gate asks for."""

    opportunity_id: int
    total: int
    min_score: int
    criteria: list[CriterionOut]


class ScoreOut(msgspec.Struct, kw_only=True):
    criterion_key: str
    score: int
    note: str
    total_after: int
    scored_by_id: int | None
    scored_at: datetime


class MemberIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    contact_id: Id
    role: Role
    attitude: Attitude = "neutral"
    strength: Level = 1
    influence: Level = 3
    reports_to_id: Id | None = None


class MemberOut(msgspec.Struct, kw_only=True):
    contact_id: int
    name: str
    role: str
    attitude: str
    strength: int
    influence: int
    reports_to_id: int | None
    last_contacted_at: datetime | None


class GapOut(msgspec.Struct, kw_only=True):
    code: str
    contact_id: int | None
    message: str


class CommitteeOut(msgspec.Struct, kw_only=True):
    members: list[MemberOut]
    gaps: list[GapOut]


class VersionOut(msgspec.Struct, kw_only=True):
    number: int
    attachment_id: int
    filename: str
    size: int
    note: str
    uploaded_by_id: int | None
    uploaded_at: datetime


class DocumentOut(msgspec.Struct, kw_only=True):
    id: int
    title: str
    doc_type: str
    versions: list[VersionOut]


class RivalIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    competitor_id: Id
    offer: Text | None = None
    strengths: Text | None = None
    weaknesses: Text | None = None
    strategy: Text | None = None


class RivalOut(msgspec.Struct, kw_only=True):
    competitor_id: int
    name: str
    offer: str
    strengths: str
    weaknesses: str
    strategy: str


class CloseIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Close the project: a reason key (required on a loss) and, lost, who won."""

    won: bool
    version: int
    reason: Annotated[str, msgspec.Meta(max_length=30)] = ""
    winner_id: Id | None = None
    note: Note = ""


class OutcomeOut(msgspec.Struct, kw_only=True):
    opportunity_id: int
    won: bool
    reason: str
    winner_id: int | None
    note: str
    recorded_at: datetime


# ---- scorecard criteria (the record kind `project_sales_criterion`, criteria.py)
CriterionKey = Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
CriterionLabel = Annotated[str, msgspec.Meta(min_length=1, max_length=60)]
Weight = Annotated[int, msgspec.Meta(ge=0, le=10)]
Position = Annotated[int, msgspec.Meta(ge=0, le=1000)]
Guidance = Annotated[str, msgspec.Meta(max_length=2000)]


class CriterionCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new scorecard criterion: its key (lowercase, fixed once given), labels, weight 0-10,
    position, whether it counts, and what each score means."""

    key: CriterionKey
    label_zh: CriterionLabel
    label_en: CriterionLabel
    weight: Weight = 1
    position: Position = 0
    active: bool = True
    guidance_zh: Guidance = ""
    guidance_en: Guidance = ""
    ext: dict[str, dict[str, Any]] = {}


class CriterionUpdate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A change of a criterion (the version read; any field; the key cannot change)."""

    version: int
    key: CriterionKey | msgspec.UnsetType = msgspec.UNSET
    label_zh: CriterionLabel | msgspec.UnsetType = msgspec.UNSET
    label_en: CriterionLabel | msgspec.UnsetType = msgspec.UNSET
    weight: Weight | msgspec.UnsetType = msgspec.UNSET
    position: Position | msgspec.UnsetType = msgspec.UNSET
    active: bool | msgspec.UnsetType = msgspec.UNSET
    guidance_zh: Guidance | msgspec.UnsetType = msgspec.UNSET
    guidance_en: Guidance | msgspec.UnsetType = msgspec.UNSET
    ext: dict[str, dict[str, Any]] | msgspec.UnsetType = msgspec.UNSET


class CriterionRecordOut(msgspec.Struct, kw_only=True):
    """A criterion as its record kind's API answers."""

    id: int
    key: str
    label_zh: str
    label_en: str
    weight: int
    position: int
    active: bool
    guidance_zh: str
    guidance_en: str
    owner_id: int | None
    version: int
    ext: dict[str, dict[str, Any]]
    tags: list[str]
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None
