"""Lead business rules: creating, cleaning up (qualify, discard) and status transitions.

Conversion lives in kht.leads.convert, duplicate detection in kht.leads.duplicates and the
public web form in kht.leads.webform; all of them go through the rules here.
"""

from __future__ import annotations

from typing import Any

import msgspec
from sqlalchemy import Select

from kht import record_service as records
from kht.context import Ctx
from kht.emails import clean_email
from kht.errors import Conflict, ValidationError
from kht.fields import builtin, common
from kht.leads.models import STATUSES, Lead
from kht.leads.schemas import LeadCreate, LeadOut, LeadUpdate
from kht.lists.engine import Filter
from kht.plugin_types import KindMenu, RecordKind

KIND = "lead"
MODULE = "leads"
SPEC = RecordKind(kind=KIND, model=Lead, module=MODULE, label_zh="线索", label_en="Leads")
SOURCES = ("展会", "官网", "电话", "referral", "web form")

# The built-in fields: their labels and types for pages, history and exports.
FIELDS = (
    builtin("name", "text", "姓名", "Name", required=True),
    builtin("company", "text", "公司", "Company"),
    builtin("title", "text", "职务", "Title"),
    *common("phone", "email"),
    # Suggestions, not a closed list: any source may be typed.
    builtin("source", "text", "来源", "Source", choices=SOURCES),
    builtin("status", "single_choice", "状态", "Status", choices=STATUSES),
    builtin("discard_reason", "text", "放弃原因", "Discard reason"),
    *common("owner_id"),
    builtin("customer_id", "number", "转化客户", "Customer"),
    builtin("contact_id", "number", "联系人", "Contact"),
    builtin("converted_at", "date", "转化时间", "Converted"),
    # The campaign the lead came from (an import's campaign column, a web form's code).
    builtin("campaign_id", "number", "营销活动", "Campaign"),
    *common("created_at", "notes"),
)

# Which status a lead may move to from each status. Converted is final; a discarded lead
# must be reopened (to new or working) before anything else happens to it.
TRANSITIONS: dict[str, frozenset[str]] = {
    "new": frozenset({"working", "qualified", "discarded", "converted"}),
    "working": frozenset({"new", "qualified", "discarded", "converted"}),
    "qualified": frozenset({"working", "discarded", "converted"}),
    "discarded": frozenset({"new", "working"}),
    "converted": frozenset(),
}


def clean(values: dict[str, Any]) -> dict[str, Any]:
    """Trimmed values; a blank name or a malformed email is a 422 naming the field."""
    for key in ("name", "company", "title", "phone", "source"):
        if key in values:
            values[key] = values[key].strip()
    if "name" in values and not values["name"]:
        raise ValidationError("name is required", "name")
    if "email" in values:
        values["email"] = clean_email(values["email"])
    return values


def create_lead(ctx: Ctx, data: LeadCreate, *, owner_id: Any = ...) -> Lead:
    """Create a lead (status new) owned by the acting user, or by `owner_id` (None: pool)."""
    values = _campaign_known(ctx, clean(records.changes_of(data)))
    return records.create_record(ctx, SPEC, {**values, "status": "new"}, owner_id=owner_id)


def _campaign_known(ctx: Ctx, values: dict[str, Any]) -> dict[str, Any]:
    """A lead's campaign must be one the user can see (a 422 naming `campaign_id`
    otherwise, the same for a missing one and one out of scope)."""
    from kht.errors import Forbidden, NotFound
    from kht.marketing.service import get_campaign

    campaign_id = values.get("campaign_id")
    if campaign_id is not None:
        try:
            get_campaign(ctx, campaign_id)
        except (NotFound, Forbidden):
            raise ValidationError(f"campaign {campaign_id} not found", "campaign_id") from None
    return values


def get_lead(ctx: Ctx, lead_id: int) -> Lead:
    """One lead in scope, or NotFound."""
    return records.get_record(ctx, SPEC, lead_id)


def filtered(
    ctx: Ctx, *, q: str = "", filters: list[Filter] | None = None, deleted: bool = False
) -> Select[tuple[Lead]]:
    """Leads in scope matching the quick search `q` and the filters (unsorted)."""
    return records.list_query(ctx, SPEC, q=q, filters=filters, deleted=deleted)


def list_leads(ctx: Ctx, **options: Any) -> tuple[list[Lead], int]:
    """A page of leads in scope (pool leads included), filtered and sorted, and the total
    count (the options of `record_service.page_of`: page, page_size, q, sort, filters,
    deleted)."""
    return records.page_of(ctx, SPEC, **options)


def check_transition(lead: Lead, to: str) -> None:
    """Refuse (409) a status change the lead's current status does not allow."""
    if lead.status == to:
        raise Conflict(f"lead {lead.id} is already {to}", "status")
    if to not in TRANSITIONS.get(lead.status, frozenset()):
        raise Conflict(f"a {lead.status} lead cannot become {to}", "status")


def _set_status(
    ctx: Ctx, lead: Lead, version: int | None, to: str, extra: dict[str, Any] | None = None
) -> Lead:
    check_transition(lead, to)
    changes = {"status": to, **(extra or {})}
    if lead.status == "discarded":
        changes.setdefault("discard_reason", "")
    return records.update_record(ctx, SPEC, lead, version, changes)


def update_lead(ctx: Ctx, lead_id: int, data: LeadUpdate) -> Lead:
    """Apply a partial update; a status change must be allowed (409), a stale version too."""
    lead = get_lead(ctx, lead_id)
    changes = _campaign_known(ctx, clean(records.changes_of(data)))
    to = changes.pop("status", lead.status)
    if to != lead.status:
        return _set_status(ctx, lead, data.version, to, changes)
    return records.update_record(ctx, SPEC, lead, data.version, changes)


def qualify_lead(ctx: Ctx, lead_id: int, version: int | None = None) -> Lead:
    """Mark a lead qualified (worth converting); converted or discarded ones cannot be."""
    return _set_status(ctx, get_lead(ctx, lead_id), version, "qualified")


def discard_lead(ctx: Ctx, lead_id: int, reason: str, version: int | None = None) -> Lead:
    """Discard a lead with a required reason; a converted lead cannot be discarded."""
    lead = get_lead(ctx, lead_id)
    reason = reason.strip()
    if not reason:
        raise ValidationError("a reason is required to discard a lead", "reason")
    return _set_status(ctx, lead, version, "discarded", {"discard_reason": reason})


def reopen_lead(ctx: Ctx, lead_id: int, version: int | None = None) -> Lead:
    """Bring a discarded lead back to work (its discard reason is cleared)."""
    lead = get_lead(ctx, lead_id)
    if lead.status != "discarded":
        raise Conflict(f"only a discarded lead can be reopened, not a {lead.status} one", "status")
    return _set_status(ctx, lead, version, "working")


def delete_lead(ctx: Ctx, lead_id: int) -> None:
    """Move a lead to the recycle bin."""
    records.delete_record(ctx, SPEC, get_lead(ctx, lead_id))


# With its functions the kind gets its API, pages, saved views, segments and bulk operations.
SPEC = msgspec.structs.replace(
    SPEC,
    plural="leads",
    menu=KindMenu(section="customers", icon="funnel", order=15),
    fields=FIELDS,
    searchable=("name", "company", "phone", "email"),
    list_defaults=("name", "company", "phone", "email", "source", "status")
    + ("owner_id", "updated_at"),
    create=create_lead,
    create_schema=LeadCreate,
    update=update_lead,
    update_schema=LeadUpdate,
    out_schema=LeadOut,
)
