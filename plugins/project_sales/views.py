"""The project's blocks on its opportunity page (scorecard, committee with its chart,
documents, competitors, close) and the forms they post. Thin: rules are in the services."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, URLEncodedBody
from litestar.response import Redirect

import kht.competitors.service as competitors_service
import kht.contacts.service as contacts
import kht.sales.opportunities.service as opportunities
from kht.plugin_api import Ctx, Panel, RequestCtx, ValidationError, may_change
from plugins.project_sales import committee, competition, documents, scorecard
from plugins.project_sales.access import is_project
from plugins.project_sales.api import read_upload
from plugins.project_sales.labels import label

PAGE = "/opportunities/{opportunity_id}"
FORMS = "/project_sales/projects/{opportunity_id:int}"
Multipart = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)]


def _committee_context(ctx: Ctx, opportunity: Any) -> dict[str, Any]:
    rows = committee.members(ctx, opportunity.id)
    names = committee.contact_names(ctx, opportunity)
    gaps = committee.gaps(ctx, rows, names)
    flagged = {g["contact_id"] for g in gaps if g["contact_id"]}
    return {
        "members": rows,
        "names": names,
        "gaps": gaps,
        "chart": committee.chart(rows, names, flagged),
        "contacts": contacts.contact_choices(ctx, opportunity.customer_id),
        "roles": committee.ROLES,
        "attitudes": committee.ATTITUDES,
    }


def project_panels(ctx: Ctx, opportunity: Any) -> list[Panel] | None:
    """The project's blocks, for an opportunity in the pack's process."""
    if not is_project(ctx, opportunity):
        return None
    base = {
        "opportunity_id": opportunity.id,
        "version": opportunity.version,
        "status": opportunity.status,
        "can_edit": may_change(ctx, opportunities.SPEC, opportunity),
        "label": label,
    }
    panel = _panel_maker(base)
    rivals = competition.rivals(ctx, opportunity.id)
    return [
        panel("scorecard", "评分卡", "Scorecard", 20, card=scorecard.card(ctx, opportunity.id)),
        panel(
            "committee",
            "采购决策链",
            "Buying committee",
            21,
            **_committee_context(ctx, opportunity),
        ),
        panel(
            "documents",
            "项目文档",
            "Documents",
            22,
            folder=documents.folder(ctx, opportunity.id),
            doc_types=documents.DOC_TYPES,
        ),
        panel(
            "rivals",
            "竞争分析",
            "Competition",
            23,
            rivals=rivals,
            names=competitors_service.competitor_names(ctx),
        ),
    ]


def close_panel(ctx: Ctx, opportunity: Any) -> Panel | None:
    """The pack's close form (listed reason, winner, note) in place of the core's free-text
    one, and the recorded outcome once closed; None for an opportunity that is no project."""
    if not is_project(ctx, opportunity):
        return None
    return Panel(
        key="project_sales_close",
        title_zh="关闭项目",
        title_en="Close the project",
        template="project_sales/close.html",
        context={
            "opportunity_id": opportunity.id,
            "version": opportunity.version,
            "status": opportunity.status,
            "can_edit": may_change(ctx, opportunities.SPEC, opportunity),
            "label": label,
            "outcome": competition.outcome_of(ctx, opportunity.id),
            "names": competitors_service.competitor_names(ctx),
            "win_reasons": competition.WIN_REASONS,
            "loss_reasons": competition.LOSS_REASONS,
        },
    )


def _panel_maker(base: dict[str, Any]) -> Any:
    def panel(key: str, zh: str, en: str, order: int, **context: Any) -> Panel:
        return Panel(
            key=f"project_sales_{key}",
            title_zh=zh,
            title_en=en,
            template=f"project_sales/{key}.html",
            order=order,
            context={**base, **context},
        )

    return panel


def _back(opportunity_id: int) -> Redirect:
    return Redirect(PAGE.format(opportunity_id=opportunity_id), status_code=303)


def _int(data: dict[str, Any], name: str, default: int | None = None) -> int | None:
    raw = str(data.get(name) or "").strip()
    if not raw:
        return default
    if not raw.lstrip("-").isdigit():
        raise ValidationError(f"{name} must be a number", name)
    return int(raw)


@post(f"{FORMS}/scores", sync_to_thread=True, include_in_schema=False)
def score_from_page(
    ctx: RequestCtx, opportunity_id: FromPath[int], data: URLEncodedBody[dict[str, Any]]
) -> Redirect:
    """The scorecard form: a 0-5 select per criterion (blank: not scored now)."""
    opportunities.get_opportunity(ctx, opportunity_id)  # out of scope: 404 whatever is sent
    given = {
        key.removeprefix("score_"): _int(data, key)
        for key in data
        if key.startswith("score_") and str(data[key]).strip()
    }
    scorecard.score(ctx, opportunity_id, given, str(data.get("note") or ""))
    return _back(opportunity_id)


@post(f"{FORMS}/committee", sync_to_thread=True, include_in_schema=False)
def member_from_page(
    ctx: RequestCtx, opportunity_id: FromPath[int], data: URLEncodedBody[dict[str, Any]]
) -> Redirect:
    """The committee form: add a contact with role, attitude, strength, influence, boss."""
    opportunities.get_opportunity(ctx, opportunity_id)
    committee.put_member(
        ctx,
        opportunity_id,
        _int(data, "contact_id", 0) or 0,
        role=str(data.get("role") or ""),
        attitude=str(data.get("attitude") or "neutral"),
        strength=_int(data, "strength", 1),
        influence=_int(data, "influence", 3),
        reports_to_id=_int(data, "reports_to_id"),
    )
    return _back(opportunity_id)


@post(f"{FORMS}/committee/{{contact_id:int}}/remove", sync_to_thread=True, include_in_schema=False)
def remove_member_from_page(
    ctx: RequestCtx, opportunity_id: FromPath[int], contact_id: FromPath[int]
) -> Redirect:
    committee.remove_member(ctx, opportunity_id, contact_id)
    return _back(opportunity_id)


@post(
    "/project_sales/documents",
    sync_to_thread=True,
    include_in_schema=False,
    request_max_body_size=12 * 1024 * 1024,
)
def document_from_page(ctx: RequestCtx, data: Multipart) -> Redirect:
    """Upload a new document, or a new version of one (the form names its project)."""
    opportunity_id = _int(data, "opportunity_id", 0) or 0
    opportunities.get_opportunity(ctx, opportunity_id)
    filename, content = read_upload(data)
    documents.upload(
        ctx,
        opportunity_id,
        filename,
        content,
        document_id=_int(data, "document_id"),
        title=str(data.get("title") or ""),
        doc_type=str(data.get("doc_type") or "other"),
        note=str(data.get("note") or ""),
    )
    return _back(opportunity_id)


@post(f"{FORMS}/competitors", sync_to_thread=True, include_in_schema=False)
def rival_from_page(
    ctx: RequestCtx, opportunity_id: FromPath[int], data: URLEncodedBody[dict[str, Any]]
) -> Redirect:
    """Name a competitor on the project with its offer, strengths, weaknesses, strategy."""
    opportunities.get_opportunity(ctx, opportunity_id)
    texts = {name: str(data.get(name) or "") for name in competition.TEXTS}
    competition.put_rival(ctx, opportunity_id, _int(data, "competitor_id", 0) or 0, **texts)
    return _back(opportunity_id)


@post(f"{FORMS}/close", sync_to_thread=True, include_in_schema=False)
def close_from_page(
    ctx: RequestCtx, opportunity_id: FromPath[int], data: URLEncodedBody[dict[str, Any]]
) -> Redirect:
    """Close as won or lost with a reason and, lost, the winning competitor."""
    opportunities.get_opportunity(ctx, opportunity_id)
    competition.close(
        ctx,
        opportunity_id,
        won=str(data.get("won")) == "1",
        reason=str(data.get("reason") or ""),
        version=_int(data, "version", 0) or 0,
        winner_id=_int(data, "winner_id"),
        note=str(data.get("note") or ""),
    )
    return _back(opportunity_id)


ROUTES = [
    score_from_page,
    member_from_page,
    remove_member_from_page,
    document_from_page,
    rival_from_page,
    close_from_page,
]
