"""Converting a lead into a customer (and contact), keeping the lead's history."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import update

from kht import record_service as records
from kht.actions.models import Action
from kht.auth.permissions import require
from kht.contacts import service as contacts
from kht.contacts.models import Contact
from kht.context import Ctx
from kht.customers import service as customers
from kht.customers.models import Customer
from kht.db.custom_fields import validate_ext
from kht.errors import Conflict, ValidationError
from kht.events import LeadConverted
from kht.fields import fields_for
from kht.leads.models import Lead
from kht.leads.service import KIND, MODULE, SPEC, check_transition, get_lead
from kht.normalise import is_mobile

# ctx.extra key that carries the wish for an opportunity to LeadConverted listeners.
CREATE_OPPORTUNITY = "create_opportunity"


@dataclass(frozen=True)
class Conversion:
    """What a lead became."""

    lead: Lead
    customer: Customer
    contact: Contact | None


def carried_ext(ctx: Ctx, lead: Lead, kind: str) -> dict[str, dict[str, Any]]:
    """The lead's custom values for fields of `kind` with the same namespace, name and type.

    A value the target field would refuse (e.g. a choice it does not offer) is left behind
    rather than failing the conversion.
    """
    origin = {(f.namespace, f.name): f for f in fields_for(ctx, KIND)}
    stored = lead.ext or {}
    carried: dict[str, dict[str, Any]] = {}
    for field in fields_for(ctx, kind):
        source = origin.get((field.namespace, field.name))
        value = stored.get(field.namespace, {}).get(field.name)
        if source is None or source.type != field.type or value in (None, "", []):
            continue
        try:
            checked = validate_ext([field], {}, {field.namespace: {field.name: value}})
        except ValidationError:
            continue
        carried.setdefault(field.namespace, {}).update(checked[field.namespace])
    return carried


def _from_lead_line(ctx: Ctx, lead: Lead) -> str:
    day = ctx.today().isoformat()
    if ctx.language.startswith("zh"):
        return f"【来自线索 #{lead.id} {lead.name}，{day} 转化】"
    return f"[From lead #{lead.id} {lead.name}, converted {day}]"


def _with_notes(ctx: Ctx, lead: Lead, notes: str) -> str:
    carried = "\n".join(part for part in (_from_lead_line(ctx, lead), lead.notes.strip()) if part)
    return f"{notes.rstrip()}\n\n{carried}" if notes.strip() else carried


def _new_customer(ctx: Ctx, lead: Lead, owner_id: int | None) -> Customer:
    values = {
        "name": (lead.company or lead.name).strip(),
        "kind": "company" if lead.company.strip() else "person",
        "phone": lead.phone,
        "email": lead.email,
        "source": lead.source,
        "notes": _with_notes(ctx, lead, ""),
        "ext": carried_ext(ctx, lead, customers.KIND),
    }
    return records.create_record(ctx, customers.SPEC, values, owner_id=owner_id)


def _existing_customer(ctx: Ctx, lead: Lead, customer_id: int) -> Customer:
    customer = contacts.visible_customer(ctx, customer_id)
    notes = _with_notes(ctx, lead, customer.notes)
    return records.update_record(ctx, customers.SPEC, customer, None, {"notes": notes})


def _new_contact(ctx: Ctx, lead: Lead, customer: Customer, owner_id: int | None) -> Contact:
    phone_field = "mobile" if is_mobile(lead.phone) else "phone"
    values = {
        "customer_id": customer.id,
        "name": lead.name,
        "title": lead.title,
        "email": lead.email,
        phone_field: lead.phone,
        "ext": carried_ext(ctx, lead, contacts.KIND),
    }
    # The customer was just created or checked above: it may lie outside the converter's
    # own scope when the lead belongs to someone else, and that is fine here.
    return contacts.add_contact(ctx, values, owner_id=owner_id, check_customer=False)


def _relink_actions(ctx: Ctx, lead: Lead, customer_id: int) -> None:
    # Derived link, not an edit of the actions: they stay on the lead and now also show
    # on the customer's timeline (no version bump, no audit row).
    ctx.session.execute(
        update(Action)
        .where(Action.kind == KIND, Action.record_id == lead.id)
        .values(customer_id=customer_id)
        .execution_options(synchronize_session=False)
    )


def convert_lead(
    ctx: Ctx,
    lead_id: int,
    version: int,
    *,
    customer_id: int | None = None,
    create_contact: bool = True,
    create_opportunity: bool = False,
) -> Conversion:
    """Convert a lead into a customer (+ contact), in the caller's one transaction.

    - `customer_id` attaches the lead to an existing customer in scope (422 naming
      customer_id otherwise); without it a customer is made from the company (or the
      person's name), owned by the lead's owner (the converter for pool leads).
    - `create_contact` makes a contact from the lead's person fields.
    - Custom-field values move to customer/contact fields of the same name and type; the
      lead's notes are appended to the customer's under a "from lead" line; the lead's
      actions get the customer's id, so they appear on its timeline.
    - The lead becomes `converted` (a converted or discarded lead → 409; stale `version`
      → 409), and `LeadConverted` is fired. With `create_opportunity`, the listeners find
      `ctx.extra["create_opportunity"] = True` while the event is handled: the sales
      plugins create the opportunity (the core has none to create).
    """
    require(ctx.user, MODULE, "edit")
    lead = get_lead(ctx, lead_id)
    check_transition(lead, "converted")
    if version != lead.version:
        raise Conflict(f"lead {lead.id} was changed by someone else; reload it", "version")
    owner_id = lead.owner_id if lead.owner_id is not None else ctx.user_id
    if customer_id is None:
        customer = _new_customer(ctx, lead, owner_id)
    else:
        customer = _existing_customer(ctx, lead, customer_id)
    contact = _new_contact(ctx, lead, customer, owner_id) if create_contact else None
    _relink_actions(ctx, lead, customer.id)
    changes = {
        "status": "converted",
        "customer_id": customer.id,
        "contact_id": contact.id if contact else None,
        "converted_at": ctx.now(),
    }
    records.update_record(ctx, SPEC, lead, version, changes)
    _announce(ctx, lead, customer, contact, create_opportunity)
    return Conversion(lead=lead, customer=customer, contact=contact)


def _announce(
    ctx: Ctx, lead: Lead, customer: Customer, contact: Contact | None, opportunity: bool
) -> None:
    event = LeadConverted(
        kind=KIND,
        record_id=lead.id,
        user_id=ctx.user_id,
        customer_id=customer.id,
        contact_id=contact.id if contact else None,
    )
    if opportunity:
        ctx.extra[CREATE_OPPORTUNITY] = True
    try:
        ctx.fire(event)
    finally:
        ctx.extra.pop(CREATE_OPPORTUNITY, None)
