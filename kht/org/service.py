"""Organisation rules: the department tree, branches and business lines."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from kht.auth.models import User
from kht.auth.permissions import require
from kht.context import Ctx
from kht.errors import Conflict, NotFound, ValidationError
from kht.org.models import Branch, BusinessLine, Department, user_business_lines

Unit = TypeVar("Unit", Branch, BusinessLine)


def list_departments(session: Session) -> list[Department]:
    """The whole tree, parents before children (ordered by path)."""
    return list(session.scalars(select(Department).order_by(Department.path)))


def find_department(session: Session, name: str) -> Department | None:
    return session.scalar(select(Department).where(Department.name == name.strip()))


def _department(session: Session, department_id: int, field: str = "id") -> Department:
    found = session.get(Department, department_id)
    if found is None:
        raise NotFound(f"department {department_id} not found", field)
    return found


def _parent(session: Session, parent_id: int | None) -> Department | None:
    """The parent department; an unknown id in a request is bad input (422), not 404."""
    if parent_id is None:
        return None
    parent = session.get(Department, parent_id)
    if parent is None:
        raise ValidationError(f"department {parent_id} does not exist", "parent_id")
    return parent


def create_department(session: Session, name: str, parent_id: int | None = None) -> Department:
    """Add a department under `parent_id` (a root when None)."""
    name = name.strip()
    if not name:
        raise ValidationError("name is required", "name")
    parent = _parent(session, parent_id)
    clash = session.scalar(
        select(Department).where(
            Department.name == name,
            Department.parent_id.is_(parent_id)
            if parent_id is None
            else Department.parent_id == parent_id,
        )
    )
    if clash is not None:
        raise Conflict(f"department {name!r} already exists there", "name")
    department = Department(name=name, parent_id=parent_id, path="/")
    session.add(department)
    session.flush()
    department.path = f"{parent.path if parent else '/'}{department.id}/"
    session.flush()
    return department


def update_department(
    session: Session, department_id: int, name: str, parent_id: int | None
) -> Department:
    """Rename or move a department; its whole subtree moves with it."""
    department = _department(session, department_id)
    parent = _parent(session, parent_id)
    if parent is not None:
        if parent.path.startswith(department.path):
            raise ValidationError("a department cannot move under itself", "parent_id")
        new_path = f"{parent.path}{department.id}/"
    else:
        new_path = f"/{department.id}/"
    old_path = department.path
    department.name = name.strip() or department.name
    department.parent_id = parent_id
    if new_path != old_path:
        session.execute(
            update(Department)
            .where(Department.path.startswith(old_path, autoescape=True))
            .values(path=func.replace(Department.path, old_path, new_path))
            .execution_options(synchronize_session=False)
        )
    session.flush()
    session.refresh(department)
    return department


def delete_department(session: Session, department_id: int) -> None:
    """Remove an empty department (no sub-departments, no users)."""
    department = _department(session, department_id)
    if session.scalar(select(func.count()).where(Department.parent_id == department.id)):
        raise Conflict("the department has sub-departments; move or delete them first")
    if session.scalar(select(func.count()).where(User.department_id == department.id)):
        raise Conflict("the department has users; move them first")
    session.delete(department)
    session.flush()


def _label(model: type) -> str:
    return "branch" if model is Branch else "business line"


def list_units(session: Session, model: type[Unit]) -> list[Unit]:
    return list(session.scalars(select(model).order_by(model.name)))


def find_unit(session: Session, model: type[Unit], name: str) -> Unit | None:
    return session.scalar(select(model).where(model.name == name.strip()))


def create_unit(session: Session, model: type[Unit], name: str, code: str = "") -> Unit:
    """Add a branch or business line; names are unique."""
    name = name.strip()
    if not name:
        raise ValidationError("name is required", "name")
    if find_unit(session, model, name) is not None:
        raise Conflict(f"{name!r} already exists", "name")
    unit = model(name=name, code=code.strip())
    session.add(unit)
    session.flush()
    return unit


def update_unit(session: Session, model: type[Unit], unit_id: int, name: str, code: str) -> Unit:
    unit = session.get(model, unit_id)
    if unit is None:
        raise NotFound(f"{_label(model)} {unit_id} not found")
    if not name.strip():
        raise ValidationError("name is required", "name")
    clash = find_unit(session, model, name)
    if clash is not None and clash.id != unit.id:
        raise Conflict(f"{name!r} already exists", "name")
    unit.name, unit.code = name.strip(), code.strip()
    session.flush()
    return unit


def delete_unit(session: Session, model: type[Unit], unit_id: int) -> None:
    """Remove a branch or business line nobody belongs to."""
    unit = session.get(model, unit_id)
    if unit is None:
        raise NotFound(f"{_label(model)} {unit_id} not found")
    if model is Branch:
        in_use = session.scalar(select(func.count()).where(User.branch_id == unit.id))
    else:
        in_use = session.scalar(
            select(func.count())
            .select_from(user_business_lines)
            .where(user_business_lines.c.business_line_id == unit.id)
        )
    if in_use:
        raise Conflict("users still belong to it; move them first")
    session.delete(unit)
    session.flush()


def require_admin(ctx: Ctx, operation: str = "edit") -> Session:
    """The session, if the acting user may manage the organisation."""
    require(ctx.user, "users", operation)
    return ctx.session
