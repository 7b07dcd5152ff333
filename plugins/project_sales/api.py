"""The pack's JSON API under /api/v1/project_sales/projects/{opportunity_id}: scorecard,
committee, documents, competitors and the close. Thin: every rule is in the services."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import delete, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, JSONBody

import kht.competitors.service as competitors_service
import kht.sales.opportunities.service as opportunities
from kht.plugin_api import RequestCtx, ValidationError
from plugins.project_sales import committee, competition, documents, scorecard
from plugins.project_sales.schemas import (
    CloseIn,
    CommitteeOut,
    CriterionOut,
    DocumentOut,
    GapOut,
    MemberIn,
    MemberOut,
    OutcomeOut,
    RivalIn,
    RivalOut,
    ScorecardOut,
    ScoreOut,
    ScoresIn,
    VersionOut,
)

BASE = "/api/v1/project_sales/projects/{opportunity_id:int}"
TAGS = ["project sales"]
MAX_UPLOAD = 10 * 1024 * 1024
Multipart = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)]


def scorecard_out(ctx: RequestCtx, opportunity_id: int) -> ScorecardOut:
    card = scorecard.card(ctx, opportunity_id)
    return ScorecardOut(
        opportunity_id=opportunity_id,
        total=card["total"],
        min_score=card["min"],
        criteria=[
            CriterionOut(
                key=row["criterion"].key,
                label_zh=row["criterion"].label_zh,
                label_en=row["criterion"].label_en,
                weight=row["criterion"].weight,
                guidance_zh=row["criterion"].guidance_zh,
                guidance_en=row["criterion"].guidance_en,
                score=row["score"].score if row["score"] else None,
                scored_at=row["score"].scored_at if row["score"] else None,
            )
            for row in card["rows"]
        ],
    )


@get(f"{BASE}/scorecard", sync_to_thread=True, tags=TAGS)
def get_scorecard(ctx: RequestCtx, opportunity_id: FromPath[int]) -> ScorecardOut:
    """The project's scorecard now (404 when the project is out of scope)."""
    return scorecard_out(ctx, opportunity_id)


@post(f"{BASE}/scorecard", sync_to_thread=True, tags=TAGS, status_code=200)
def post_scores(
    ctx: RequestCtx, opportunity_id: FromPath[int], data: JSONBody[ScoresIn]
) -> ScorecardOut:
    """Score criteria 0-5 (kept as history); answers the scorecard with its new total."""
    scorecard.score(ctx, opportunity_id, data.scores, data.note)
    return scorecard_out(ctx, opportunity_id)


@get(f"{BASE}/scorecard/history", sync_to_thread=True, tags=TAGS)
def get_history(ctx: RequestCtx, opportunity_id: FromPath[int]) -> list[ScoreOut]:
    """Every score given, oldest first, with the total each one led to."""
    return [
        ScoreOut(
            criterion_key=row.criterion_key,
            score=row.score,
            note=row.note,
            total_after=row.total_after,
            scored_by_id=row.scored_by_id,
            scored_at=row.scored_at,
        )
        for row in scorecard.history(ctx, opportunity_id)
    ]


def committee_out(ctx: RequestCtx, opportunity_id: int) -> CommitteeOut:
    opportunity = opportunities.get_opportunity(ctx, opportunity_id)
    rows = committee.members(ctx, opportunity_id)
    names = committee.contact_names(ctx, opportunity)
    return CommitteeOut(
        members=[
            MemberOut(
                contact_id=m.contact_id,
                name=names.get(m.contact_id, ""),
                role=m.role,
                attitude=m.attitude,
                strength=m.strength,
                influence=m.influence,
                reports_to_id=m.reports_to_id,
                last_contacted_at=m.last_contacted_at,
            )
            for m in rows
        ],
        gaps=[GapOut(**gap) for gap in committee.gaps(ctx, rows, names)],
    )


@get(f"{BASE}/committee", sync_to_thread=True, tags=TAGS)
def get_committee(ctx: RequestCtx, opportunity_id: FromPath[int]) -> CommitteeOut:
    """The buying committee and its gaps."""
    return committee_out(ctx, opportunity_id)


@post(f"{BASE}/committee", sync_to_thread=True, tags=TAGS, status_code=200)
def put_member(
    ctx: RequestCtx, opportunity_id: FromPath[int], data: JSONBody[MemberIn]
) -> CommitteeOut:
    """Add a contact to the committee, or change them (posting them again)."""
    committee.put_member(
        ctx,
        opportunity_id,
        data.contact_id,
        role=data.role,
        attitude=data.attitude,
        strength=data.strength,
        influence=data.influence,
        reports_to_id=data.reports_to_id,
    )
    return committee_out(ctx, opportunity_id)


@delete(f"{BASE}/committee/{{contact_id:int}}", sync_to_thread=True, tags=TAGS)
def remove_member(
    ctx: RequestCtx, opportunity_id: FromPath[int], contact_id: FromPath[int]
) -> None:
    """Take a contact off the committee."""
    committee.remove_member(ctx, opportunity_id, contact_id)


def documents_out(ctx: RequestCtx, opportunity_id: int) -> list[DocumentOut]:
    return [
        DocumentOut(
            id=document.id,
            title=document.title,
            doc_type=document.doc_type,
            versions=[
                VersionOut(
                    number=v.number,
                    attachment_id=v.attachment_id,
                    filename=v.filename,
                    size=v.size,
                    note=v.note,
                    uploaded_by_id=v.uploaded_by_id,
                    uploaded_at=v.uploaded_at,
                )
                for v in versions
            ],
        )
        for document, versions in documents.folder(ctx, opportunity_id)
    ]


@get(f"{BASE}/documents", sync_to_thread=True, tags=TAGS)
def get_documents(ctx: RequestCtx, opportunity_id: FromPath[int]) -> list[DocumentOut]:
    """The project's folder: each document with its versions, newest first (download one
    at /api/v1/files/<attachment_id>)."""
    return documents_out(ctx, opportunity_id)


def _number(data: dict[str, Any], name: str) -> int | None:
    raw = str(data.get(name) or "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise ValidationError(f"{name} must be a number", name)
    return int(raw)


def read_upload(data: dict[str, Any]) -> tuple[str, bytes]:
    """(filename, bytes) of the form's `file` (422 naming `file` without one)."""
    upload = data.get("file")
    if not isinstance(upload, UploadFile):
        raise ValidationError("choose a file to upload", "file")
    return upload.filename, upload.file.read(MAX_UPLOAD + 1)


@post(
    "/api/v1/project_sales/documents",
    sync_to_thread=True,
    tags=TAGS,
    request_max_body_size=MAX_UPLOAD + 2 * 1024 * 1024,
)
def upload_document(ctx: RequestCtx, data: Multipart) -> list[DocumentOut]:
    """Upload a version (multipart: `opportunity_id`, `file`, and `document_id` for a new
    version of a document, or `title` and `doc_type` for a new document; `note`). Answers
    the project's folder."""
    opportunity_id = _number(data, "opportunity_id") or 0
    opportunities.get_opportunity(ctx, opportunity_id)  # out of scope: 404 whatever is sent
    filename, content = read_upload(data)
    documents.upload(
        ctx,
        opportunity_id,
        filename,
        content,
        document_id=_number(data, "document_id"),
        title=str(data.get("title") or ""),
        doc_type=str(data.get("doc_type") or "other"),
        note=str(data.get("note") or ""),
    )
    return documents_out(ctx, opportunity_id)


def rivals_out(ctx: RequestCtx, opportunity_id: int) -> list[RivalOut]:
    names = competitors_service.competitor_names(ctx)
    return [
        RivalOut(
            competitor_id=r.competitor_id,
            name=names.get(r.competitor_id, ""),
            offer=r.offer,
            strengths=r.strengths,
            weaknesses=r.weaknesses,
            strategy=r.strategy,
        )
        for r in competition.rivals(ctx, opportunity_id)
    ]


@get(f"{BASE}/competitors", sync_to_thread=True, tags=TAGS)
def get_rivals(ctx: RequestCtx, opportunity_id: FromPath[int]) -> list[RivalOut]:
    """The project's competitors with their offer, strengths, weaknesses and our strategy."""
    return rivals_out(ctx, opportunity_id)


@post(f"{BASE}/competitors", sync_to_thread=True, tags=TAGS, status_code=200)
def put_rival(
    ctx: RequestCtx, opportunity_id: FromPath[int], data: JSONBody[RivalIn]
) -> list[RivalOut]:
    """Name a competitor on the project, or change what we know of it there."""
    texts = {k: getattr(data, k) for k in competition.TEXTS}
    competition.put_rival(ctx, opportunity_id, data.competitor_id, **texts)
    return rivals_out(ctx, opportunity_id)


@delete(f"{BASE}/competitors/{{competitor_id:int}}", sync_to_thread=True, tags=TAGS)
def remove_rival(
    ctx: RequestCtx, opportunity_id: FromPath[int], competitor_id: FromPath[int]
) -> None:
    """Take a competitor off the project."""
    competition.remove_rival(ctx, opportunity_id, competitor_id)


@post(f"{BASE}/close", sync_to_thread=True, tags=TAGS, status_code=200)
def close_project(
    ctx: RequestCtx, opportunity_id: FromPath[int], data: JSONBody[CloseIn]
) -> OutcomeOut:
    """Close as won or lost with a reason (required on a loss) and, lost, the winner."""
    outcome = competition.close(
        ctx,
        opportunity_id,
        won=data.won,
        reason=data.reason,
        version=data.version,
        winner_id=data.winner_id,
        note=data.note,
    )
    return OutcomeOut(
        opportunity_id=outcome.opportunity_id,
        won=outcome.won,
        reason=outcome.reason,
        winner_id=outcome.winner_id,
        note=outcome.note,
        recorded_at=outcome.recorded_at,
    )


ROUTES = [
    get_scorecard,
    post_scores,
    get_history,
    get_committee,
    put_member,
    remove_member,
    get_documents,
    upload_document,
    get_rivals,
    put_rival,
    remove_rival,
    close_project,
]
