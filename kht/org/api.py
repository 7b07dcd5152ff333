"""Organisation JSON API: departments, branches and business lines over kht.org.service."""

from __future__ import annotations

from typing import ClassVar, TypeVar

import msgspec
from litestar import Controller, delete, get, patch, post
from litestar.params import FromPath, JSONBody, Parameter

from kht.auth.permissions import require
from kht.context import Ctx, RequestCtx
from kht.errors import NotFound
from kht.org import service
from kht.org.models import Branch, BusinessLine, Department
from kht.org.schemas import (
    DepartmentIn,
    DepartmentOut,
    DepartmentPage,
    DepartmentUpdate,
    UnitIn,
    UnitOut,
    UnitPage,
    UnitUpdate,
)
from kht.records.schemas import out_of

OrgRecord = TypeVar("OrgRecord", Department, Branch, BusinessLine)
PAGE = Parameter(ge=1, default=1)
PAGE_SIZE = Parameter(ge=1, le=500, default=50)


def department_out(department: Department) -> DepartmentOut:
    return out_of(DepartmentOut, department)


def unit_out(unit: Branch | BusinessLine) -> UnitOut:
    return out_of(UnitOut, unit)


def _viewer(ctx: Ctx) -> None:
    require(ctx.user, "users", "view")


LABELS = {Department: "department", Branch: "branch", BusinessLine: "business line"}


def _existing(ctx: Ctx, model: type[OrgRecord], record_id: int) -> OrgRecord:
    """The current row, to fill in what a partial update leaves out."""
    found = ctx.session.get(model, record_id)
    if found is None:
        raise NotFound(f"{LABELS[model]} {record_id} not found")
    return found


class DepartmentController(Controller):
    path = "/api/v1/departments"
    tags = ["organisation"]

    @get("/", sync_to_thread=True)
    def list_departments(
        self, ctx: RequestCtx, page: int = PAGE, page_size: int = PAGE_SIZE
    ) -> DepartmentPage:
        """The department tree, parents before children (`path` is "/1/4/9/")."""
        _viewer(ctx)
        rows = service.list_departments(ctx.session)
        start = (page - 1) * page_size
        items = [department_out(d) for d in rows[start : start + page_size]]
        return DepartmentPage(items=items, total=len(rows), page=page, page_size=page_size)

    @post("/", sync_to_thread=True)
    def create_department(self, ctx: RequestCtx, data: JSONBody[DepartmentIn]) -> DepartmentOut:
        """Add a department under `parent_id` (a top-level one when null)."""
        session = service.require_admin(ctx)
        return department_out(service.create_department(session, data.name, data.parent_id))

    @patch("/{department_id:int}", sync_to_thread=True)
    def update_department(
        self, ctx: RequestCtx, department_id: FromPath[int], data: JSONBody[DepartmentUpdate]
    ) -> DepartmentOut:
        """Rename or move a department (its subtree moves with it)."""
        session = service.require_admin(ctx)
        current = _existing(ctx, Department, department_id)
        name = current.name if data.name is msgspec.UNSET else data.name
        parent_id = current.parent_id if data.parent_id is msgspec.UNSET else data.parent_id
        department = service.update_department(session, department_id, name, parent_id)
        return department_out(department)

    @delete("/{department_id:int}", sync_to_thread=True)
    def delete_department(self, ctx: RequestCtx, department_id: FromPath[int]) -> None:
        """Remove a department; 409 while it has sub-departments or users."""
        service.delete_department(service.require_admin(ctx), department_id)


class _UnitController(Controller):
    """Branches and business lines share their rules; subclasses name the model."""

    model: ClassVar[type[Branch] | type[BusinessLine]]

    @get("/", sync_to_thread=True)
    def list_units(self, ctx: RequestCtx, page: int = PAGE, page_size: int = PAGE_SIZE) -> UnitPage:
        """All of them, by name."""
        _viewer(ctx)
        rows = service.list_units(ctx.session, self.model)
        start = (page - 1) * page_size
        items = [unit_out(u) for u in rows[start : start + page_size]]
        return UnitPage(items=items, total=len(rows), page=page, page_size=page_size)

    @post("/", sync_to_thread=True)
    def create_unit(self, ctx: RequestCtx, data: JSONBody[UnitIn]) -> UnitOut:
        """Add one; names are unique (409 on a clash)."""
        session = service.require_admin(ctx)
        return unit_out(service.create_unit(session, self.model, data.name, data.code))

    @patch("/{unit_id:int}", sync_to_thread=True)
    def update_unit(
        self, ctx: RequestCtx, unit_id: FromPath[int], data: JSONBody[UnitUpdate]
    ) -> UnitOut:
        """Rename one or change its code."""
        session = service.require_admin(ctx)
        current = _existing(ctx, self.model, unit_id)
        name = current.name if data.name is msgspec.UNSET else data.name
        code = current.code if data.code is msgspec.UNSET else data.code
        return unit_out(service.update_unit(session, self.model, unit_id, name, code))

    @delete("/{unit_id:int}", sync_to_thread=True)
    def delete_unit(self, ctx: RequestCtx, unit_id: FromPath[int]) -> None:
        """Remove one; 409 while users still belong to it."""
        service.delete_unit(service.require_admin(ctx), self.model, unit_id)


class BranchController(_UnitController):
    path = "/api/v1/branches"
    tags = ["organisation"]
    model = Branch


class BusinessLineController(_UnitController):
    path = "/api/v1/business-lines"
    tags = ["organisation"]
    model = BusinessLine


ROUTES = [DepartmentController, BranchController, BusinessLineController]
