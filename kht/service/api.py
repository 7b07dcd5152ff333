"""Ticket JSON API beyond what the declaration gives (kht.records.api): the conversation,
status moves, take and assign; queues, SLA policies, company days and service settings."""

from __future__ import annotations

from datetime import date

from litestar import Controller, delete, get, post, put
from litestar.params import FromPath, FromQuery, JSONBody

from kht.context import RequestCtx
from kht.records.api import one_out
from kht.records.schemas import out_of
from kht.service import days, queues, tickets
from kht.service import settings as service_settings
from kht.service.kind import SPEC
from kht.service.schemas import (
    AssignIn,
    DayIn,
    EntryIn,
    EntryOut,
    Move,
    PolicyIn,
    PolicyOut,
    QueueIn,
    QueueOut,
    Status,
    TicketOut,
)
from kht.types import UNSET


def _entry_out(entry: object) -> EntryOut:
    return out_of(EntryOut, entry)


class TicketStepsController(Controller):
    """A ticket's steps: its conversation, moves, take and reassign."""

    path = "/api/v1/tickets"
    tags = ["tickets"]

    @get("/{ticket_id:int}/entries", sync_to_thread=True)
    def entries(self, ctx: RequestCtx, ticket_id: FromPath[int]) -> list[EntryOut]:
        """Replies, internal notes and the customer's messages, oldest first."""
        return [_entry_out(e) for e in tickets.timeline(ctx, ticket_id)]

    @post("/{ticket_id:int}/replies", sync_to_thread=True, status_code=201)
    def reply(self, ctx: RequestCtx, ticket_id: FromPath[int], data: JSONBody[EntryIn]) -> EntryOut:
        """Reply to the customer (mailed to the requester); `wait` then waits for them."""
        return _entry_out(tickets.add_reply(ctx, ticket_id, data.body, wait=data.wait))

    @post("/{ticket_id:int}/notes", sync_to_thread=True, status_code=201)
    def note(self, ctx: RequestCtx, ticket_id: FromPath[int], data: JSONBody[EntryIn]) -> EntryOut:
        """An internal note (never mailed)."""
        return _entry_out(tickets.add_note(ctx, ticket_id, data.body))

    @post("/{ticket_id:int}/move/{to:str}", sync_to_thread=True, status_code=200)
    def move(
        self, ctx: RequestCtx, ticket_id: FromPath[int], to: FromPath[Status], data: JSONBody[Move]
    ) -> TicketOut:
        """Move along the flow (409 when not allowed); `resolved` needs a resolution."""
        ticket = tickets.move(ctx, ticket_id, to, version=data.version, resolution=data.resolution)
        return one_out(ctx, SPEC, ticket)

    @post("/{ticket_id:int}/take", sync_to_thread=True, status_code=200)
    def take(self, ctx: RequestCtx, ticket_id: FromPath[int], data: JSONBody[Move]) -> TicketOut:
        """Take the ticket from its queue (409 when someone has it)."""
        return one_out(ctx, SPEC, tickets.take(ctx, ticket_id, data.version))

    @post("/{ticket_id:int}/assign", sync_to_thread=True, status_code=200)
    def assign(
        self, ctx: RequestCtx, ticket_id: FromPath[int], data: JSONBody[AssignIn]
    ) -> TicketOut:
        """Reassign (to a member of the queue) and/or move to another queue."""
        queue = data.queue_id if data.queue_id is not None else UNSET
        ticket = tickets.assign(ctx, ticket_id, data.owner_id, queue_id=queue, version=data.version)
        return one_out(ctx, SPEC, ticket)


class ServiceSetupController(Controller):
    """Queues, SLA policies, company days and the service settings."""

    path = "/api/v1/service"
    tags = ["tickets"]

    @get("/queues", sync_to_thread=True)
    def queues(self, ctx: RequestCtx) -> list[QueueOut]:
        return [queues.queue_out(ctx, q) for q in queues.list_queues(ctx)]

    @post("/queues", sync_to_thread=True, status_code=201)
    def create_queue(self, ctx: RequestCtx, data: JSONBody[QueueIn]) -> QueueOut:
        return queues.queue_out(ctx, queues.save_queue(ctx, data))

    @put("/queues/{queue_id:int}", sync_to_thread=True)
    def save_queue(
        self, ctx: RequestCtx, queue_id: FromPath[int], data: JSONBody[QueueIn]
    ) -> QueueOut:
        return queues.queue_out(ctx, queues.save_queue(ctx, data, queue_id))

    @get("/policies", sync_to_thread=True)
    def policies(self, ctx: RequestCtx) -> list[PolicyOut]:
        return [service_settings.policy_out(p) for p in service_settings.list_policies(ctx)]

    @post("/policies", sync_to_thread=True, status_code=201)
    def create_policy(self, ctx: RequestCtx, data: JSONBody[PolicyIn]) -> PolicyOut:
        return service_settings.policy_out(service_settings.save_policy(ctx, data))

    @put("/policies/{policy_id:int}", sync_to_thread=True)
    def save_policy(
        self, ctx: RequestCtx, policy_id: FromPath[int], data: JSONBody[PolicyIn]
    ) -> PolicyOut:
        return service_settings.policy_out(service_settings.save_policy(ctx, data, policy_id))

    @get("/days", sync_to_thread=True)
    def list_days(self, ctx: RequestCtx, year: FromQuery[int]) -> list[DayIn]:
        """The company days of a year (days off and make-up working days), by date."""
        return [out_of(DayIn, row) for row in days.list_days(ctx, year)]

    @delete("/days/{day:date}", sync_to_thread=True)
    def remove_day(self, ctx: RequestCtx, day: FromPath[date]) -> None:
        """Give a day back to the public calendar (404 when the company set nothing)."""
        days.remove_day(ctx, day)

    @put("/days", sync_to_thread=True)
    def save_day(self, ctx: RequestCtx, data: JSONBody[DayIn]) -> DayIn:
        """A company day off, or working day, on top of the public calendar."""
        row = service_settings.save_day(ctx, data)
        return DayIn(day=row.day, working=row.working, note=row.note)


ROUTES = [TicketStepsController, ServiceSetupController]
