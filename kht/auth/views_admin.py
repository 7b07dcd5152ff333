"""Administration pages: users (create, edit, reset, (de)activate, hand over) and roles."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, get, post
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect, Template

from kht.auth import service
from kht.auth.handover import hand_over, owned_counts
from kht.auth.models import Role, User
from kht.auth.permissions import OPERATIONS, SCOPES
from kht.auth.schemas import RoleUpdate, UserCreate, UserUpdate
from kht.auth.views import keep_logged_in
from kht.auth.views_account import field, no_store
from kht.context import RequestCtx
from kht.errors import Conflict, KhtError, NotFound, ValidationError
from kht.org import service as org
from kht.org.models import Branch, BusinessLine
from kht.records import record_kinds
from kht.web.i18n import N_
from kht.web.pages import render

NOTICES = {
    "saved": N_("The changes have been saved."),
    "created": N_("The user has been created."),
    "activated": N_("The user can log in again."),
    "deactivated": N_("The user has been deactivated and logged out everywhere."),
}
OPERATION_LABELS = {
    "view": N_("View"),
    "create": N_("Create"),
    "edit": N_("Edit"),
    "delete": N_("Delete"),
    "import": N_("Import"),
    "export": N_("Export"),
    "assign": N_("Assign"),
    "admin": N_("Administer"),
}
SCOPE_LABELS = {
    "own": N_("Own records"),
    "team": N_("Own records and own teams' (queues)"),
    "department": N_("Own department"),
    "department_tree": N_("Department and sub-departments"),
    "branch": N_("Own branch"),
    "business_line": N_("Own business lines"),
    "all": N_("All records"),
}
# Friendlier words for form fields msgspec refuses (its own messages name JSON paths).
FIELD_HINTS = {
    "login": N_("The login may use letters, digits and _ . @ - (at most 80 characters)."),
    "name": N_("The name is required (at most 100 characters)."),
    "email": N_("The email is too long."),
    "phone": N_("The phone number is too long."),
}
MESSAGES = (
    N_("you cannot deactivate yourself"),
    N_("the receiving user must exist and be active"),
    N_("a user cannot hand over to themselves"),
)
assert set(OPERATION_LABELS) == set(OPERATIONS) and set(SCOPE_LABELS) == set(SCOPES)


# ---- reading forms -------------------------------------------------------------------------


def _optional_id(data: dict[str, Any], key: str) -> int | None:
    text = field(data, key)
    if not text or text == "pool":
        return None
    if not text.isdigit():
        raise ValidationError(f"{key} must be a number", key)
    return int(text)


def _many(data: dict[str, Any], key: str) -> list[str]:
    value = data.get(key, [])
    return [str(v) for v in (value if isinstance(value, list) else [value])]


def _user_form(data: dict[str, Any]) -> dict[str, Any]:
    """The user fields of a submitted form, as the schemas expect them."""
    lines = _many(data, "business_line_ids")
    if not all(v.isdigit() for v in lines):
        raise ValidationError("business lines must be numbers", "business_line_ids")
    return {
        "name": field(data, "name"),
        "email": field(data, "email"),
        "phone": field(data, "phone"),
        "role": field(data, "role"),
        "department_id": _optional_id(data, "department_id"),
        "branch_id": _optional_id(data, "branch_id"),
        "business_line_ids": [int(v) for v in lines],
        "language": field(data, "language") or "zh_CN",
    }


def _convert(values: dict[str, Any], schema: type[Any]) -> Any:
    """`values` as `schema`, or ValidationError naming the refused field."""
    try:
        return msgspec.convert(values, schema)
    except msgspec.ValidationError as exc:
        message = str(exc)
        path = message.rpartition(" - at `$.")[2] if " - at `$." in message else ""
        name = path.rstrip("`").split(".")[0].split("[")[0] or None
        raise ValidationError(FIELD_HINTS.get(name or "", message), name) from None


def _as_form(data: dict[str, Any]) -> dict[str, Any]:
    """The submitted values to refill a refused form (ids as the strings the inputs carry)."""
    form = {k: field(data, k) for k in data if k != "business_line_ids"}
    form["business_line_ids"] = [int(v) for v in _many(data, "business_line_ids") if v.isdigit()]
    form.pop("password", None)
    return form


# ---- shared page parts -----------------------------------------------------------------------


def _choices(ctx: RequestCtx) -> dict[str, Any]:
    """Roles, departments (with depth), branches and business lines for selects and labels."""
    session = ctx.session
    roles = service.list_roles(ctx)
    departments = org.list_departments(session)
    branches = org.list_units(session, Branch)
    return {
        "roles": roles,
        "role_names": {r.id: r.name(ctx.language) for r in roles},
        "departments": [(d, d.path.count("/") - 2) for d in departments],
        "department_names": {d.id: d.name for d in departments},
        "branches": branches,
        "branch_names": {b.id: b.name for b in branches},
        "lines": org.list_units(session, BusinessLine),
        "languages": service.LANGUAGES,
    }


def _refused(ctx: RequestCtx, exc: KhtError) -> dict[str, Any]:
    ctx.session.rollback()
    return {"status_code": exc.status, "error": exc.message, "error_field": exc.field}


def _notice(request: Request) -> str | None:
    return NOTICES.get(request.query_params.get("done", ""))


# ---- users -----------------------------------------------------------------------------------


def _users_page(request: Request, ctx: RequestCtx, q: str = "", **values: Any) -> Template:
    users = service.list_users(ctx, q=q)
    values.setdefault("form", {"language": ctx.language})
    return render(
        request,
        ctx,
        "admin/users.html",
        users=users,
        q=q,
        **_choices(ctx),
        **values,
    )


@get("/admin/users", sync_to_thread=True, include_in_schema=False)
def users_page(request: Request, ctx: RequestCtx, q: FromQuery[str] = "") -> Template:
    return _users_page(request, ctx, q)


@post("/admin/users", sync_to_thread=True, include_in_schema=False)
def create_user(
    request: Request, ctx: RequestCtx, data: URLEncodedBody[dict[str, Any]]
) -> Template | Redirect:
    """A generated password is shown on this response only; a chosen one is not shown."""
    try:
        values = _user_form(data)
        values.update(
            login=field(data, "login"), password=field(data, "password", strip=False) or None
        )
        user, generated = service.add_user(ctx, _convert(values, UserCreate))
    except (ValidationError, Conflict) as exc:
        return _users_page(request, ctx, form=_as_form(data), **_refused(ctx, exc))
    if generated is None:
        return Redirect(f"/admin/users/{user.id}?done=created", status_code=303)
    return no_store(
        _user_page(request, ctx, user.id, notice=NOTICES["created"], password=generated)
    )


def _edit_form(ctx: RequestCtx, user: User) -> dict[str, Any]:
    role = ctx.session.get(Role, user.role_id) if user.role_id else None
    return {
        "name": user.name,
        "email": user.email,
        "phone": user.phone,
        "role": role.key if role else "",
        "department_id": str(user.department_id or ""),
        "branch_id": str(user.branch_id or ""),
        "business_line_ids": service.business_line_ids(ctx.session, user.id),
        "language": user.language,
    }


def _user_page(request: Request, ctx: RequestCtx, user_id: int, **values: Any) -> Template:
    user = service.get_user(ctx, user_id)
    colleagues = service.list_users(ctx, include_inactive=False)
    values.setdefault("form", _edit_form(ctx, user))
    values.setdefault("notice", _notice(request))
    return render(
        request,
        ctx,
        "admin/user.html",
        subject=user,
        owned=owned_counts(ctx, user.id),
        kinds=record_kinds(ctx),
        colleagues=[c for c in colleagues if c.id != user.id],
        **_choices(ctx),
        **values,
    )


@get("/admin/users/{user_id:int}", sync_to_thread=True, include_in_schema=False)
def user_page(request: Request, ctx: RequestCtx, user_id: FromPath[int]) -> Template:
    return _user_page(request, ctx, user_id)


@post("/admin/users/{user_id:int}", sync_to_thread=True, include_in_schema=False)
def update_user(
    request: Request, ctx: RequestCtx, user_id: FromPath[int], data: URLEncodedBody[dict[str, Any]]
) -> Template | Redirect:
    try:
        service.update_user(ctx, user_id, _convert(_user_form(data), UserUpdate))
    except (ValidationError, Conflict) as exc:
        return _user_page(request, ctx, user_id, form=_as_form(data), **_refused(ctx, exc))
    return Redirect(
        f"/admin/users/{user_id}?done=saved", status_code=303, cookies=keep_logged_in(request, ctx)
    )


@post("/admin/users/{user_id:int}/password", sync_to_thread=True, include_in_schema=False)
def reset_password(request: Request, ctx: RequestCtx, user_id: FromPath[int]) -> Template:
    """The new password is shown on this response only."""
    password = service.reset_password(ctx, user_id)
    return no_store(_user_page(request, ctx, user_id, password=password))


@post("/admin/users/{user_id:int}/active", sync_to_thread=True, include_in_schema=False)
def set_active(
    request: Request, ctx: RequestCtx, user_id: FromPath[int], data: URLEncodedBody[dict[str, Any]]
) -> Template | Redirect:
    """Deactivating someone who still owns records is refused with the hand-over form."""
    active = field(data, "active") == "1"
    try:
        service.set_active(ctx, user_id, active)
    except Conflict as exc:
        return _user_page(request, ctx, user_id, **_refused(ctx, exc))
    done = "activated" if active else "deactivated"
    return Redirect(f"/admin/users/{user_id}?done={done}", status_code=303)


@post("/admin/users/{user_id:int}/hand-over", sync_to_thread=True, include_in_schema=False)
def hand_over_records(
    request: Request, ctx: RequestCtx, user_id: FromPath[int], data: URLEncodedBody[dict[str, Any]]
) -> Template:
    """Moves everything the user owns at once and shows how many records of each kind moved."""
    try:
        moved = hand_over(ctx, user_id, _optional_id(data, "to_user_id"))
    except ValidationError as exc:
        return _user_page(request, ctx, user_id, **_refused(ctx, exc))
    return _user_page(request, ctx, user_id, moved=moved)


# ---- roles -----------------------------------------------------------------------------------


def _role(ctx: RequestCtx, role_id: int) -> Role:
    for role in service.list_roles(ctx):
        if role.id == role_id:
            return role
    raise NotFound(f"role {role_id} not found")


@get("/admin/roles", sync_to_thread=True, include_in_schema=False)
def roles_page(request: Request, ctx: RequestCtx) -> Template:
    return render(
        request, ctx, "admin/roles.html", roles=service.list_roles(ctx), modules=_modules(ctx)
    )


def _modules(ctx: RequestCtx) -> dict[str, str]:
    """Module key → label in the user's language."""
    index = 0 if ctx.language.startswith("zh") else 1
    return {key: labels[index] for key, labels in service.all_modules(ctx).items()}


def _role_page(request: Request, ctx: RequestCtx, role_id: int, **values: Any) -> Template:
    role = _role(ctx, role_id)
    values.setdefault("grants", role.grants or {})
    values.setdefault("require_2fa", role.require_2fa)
    return render(
        request,
        ctx,
        "admin/role.html",
        role=role,
        modules=_modules(ctx),
        operations=OPERATION_LABELS,
        scopes=SCOPE_LABELS,
        notice=_notice(request),
        **values,
    )


@get("/admin/roles/{role_id:int}", sync_to_thread=True, include_in_schema=False)
def role_page(request: Request, ctx: RequestCtx, role_id: FromPath[int]) -> Template:
    return _role_page(request, ctx, role_id)


def _grants(data: dict[str, Any], modules: dict[str, Any]) -> dict[str, Any]:
    """The matrix as grants: a module with no ticked operation is not granted at all."""
    grants = {}
    for module in modules:
        ops = [op for op in OPERATIONS if op in _many(data, f"ops.{module}")]
        if ops:
            grants[module] = {"ops": ops, "scope": field(data, f"scope.{module}") or "own"}
    return grants


@post("/admin/roles/{role_id:int}", sync_to_thread=True, include_in_schema=False)
def update_role(
    request: Request, ctx: RequestCtx, role_id: FromPath[int], data: URLEncodedBody[dict[str, Any]]
) -> Template | Redirect:
    """Saves the whole matrix; the role's users are logged out so the new rights apply, except
    this browser when the administrator edited their own role (it gets a new session id)."""
    modules = service.all_modules(ctx)
    change = RoleUpdate(
        grants=_grants(data, modules), require_2fa=field(data, "require_2fa") == "1"
    )
    try:
        service.update_role(ctx, role_id, change, modules)
    except ValidationError as exc:
        values = _refused(ctx, exc)
        submitted = {"grants": change.grants, "require_2fa": change.require_2fa}
        return _role_page(request, ctx, role_id, **submitted, **values)
    return Redirect(
        f"/admin/roles/{role_id}?done=saved", status_code=303, cookies=keep_logged_in(request, ctx)
    )


ROUTES = [
    users_page,
    create_user,
    user_page,
    update_user,
    reset_password,
    set_active,
    hand_over_records,
    roles_page,
    role_page,
    update_role,
]
