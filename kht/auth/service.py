"""Users and roles: the only code that creates users, changes their rights or passwords."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import msgspec
import pyotp
from sqlalchemy import delete, func, insert, or_, select
from sqlalchemy.orm import Session

from kht.auth.models import Role, User
from kht.auth.passwords import generate_password, hash_password, verify_password
from kht.auth.permissions import BUILTIN_ROLES, MODULES, OPERATIONS, check_grants, require
from kht.auth.schemas import RoleUpdate, UserCreate, UserUpdate
from kht.auth.sessions import end_all_sessions
from kht.context import Ctx
from kht.errors import Conflict, NotAuthenticated, NotFound, ValidationError
from kht.org.models import Branch, BusinessLine, Department, user_business_lines
from kht.plugin_types import Permission

LANGUAGES = ("zh_CN", "en")


def find_user(session: Session, login: str) -> User | None:
    """The user with this login (case-insensitive), or None."""
    return session.scalar(select(User).where(func.lower(User.login) == login.strip().lower()))


def ensure_builtin_roles(session: Session) -> None:
    """Create missing built-in roles; existing ones keep the grants administrators gave them."""
    existing = set(session.scalars(select(Role.key)))
    for key, spec in BUILTIN_ROLES.items():
        if key not in existing:
            session.add(
                Role(
                    key=key,
                    name_zh=spec["name_zh"],
                    name_en=spec["name_en"],
                    grants=spec["grants"],
                    builtin=True,
                )
            )
    session.flush()


def grant_plugin_defaults(session: Session, permissions: list[Permission]) -> None:
    """Give the built-in roles the default grants of a newly enabled plugin's modules.

    A role that already has a grant on the module keeps it (an administrator's choice); the
    administrator role gets every operation with scope `all` unless the plugin names it.
    """
    roles = {role.key: role for role in session.scalars(select(Role).where(Role.builtin))}
    for permission in permissions:
        defaults = {"administrator": {"ops": list(OPERATIONS), "scope": "all"}}
        defaults.update(permission.default_grants)
        for key, grant in defaults.items():
            role = roles.get(key)
            if role is None or permission.module in (role.grants or {}):
                continue
            role.grants = {
                **(role.grants or {}),
                permission.module: {
                    "ops": list(grant.get("ops", ())),
                    "scope": grant.get("scope", "own"),
                },
            }
    session.flush()


def role_by_key(session: Session, key: str) -> Role:
    role = session.scalar(select(Role).where(Role.key == key))
    if role is None:
        known = ", ".join(session.scalars(select(Role.key).order_by(Role.key)))
        raise ValidationError(f"unknown role {key!r} (roles: {known})", "role")
    return role


def _check_time_zone(time_zone: str) -> None:
    try:
        ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(f"unknown time zone {time_zone!r}", "time_zone") from None


def _check_language(language: str) -> None:
    if language not in LANGUAGES:
        raise ValidationError(f"language must be one of {', '.join(LANGUAGES)}", "language")


def _check_refs(
    session: Session, department_id: int | None, branch_id: int | None, business_line_ids: list[int]
) -> None:
    if department_id is not None and session.get(Department, department_id) is None:
        raise ValidationError(f"department {department_id} does not exist", "department_id")
    if branch_id is not None and session.get(Branch, branch_id) is None:
        raise ValidationError(f"branch {branch_id} does not exist", "branch_id")
    found = set(
        session.scalars(select(BusinessLine.id).where(BusinessLine.id.in_(business_line_ids)))
    )
    missing = sorted(set(business_line_ids) - found)
    if missing:
        raise ValidationError(f"business line(s) {missing} do not exist", "business_line_ids")


def _set_business_lines(session: Session, user_id: int, ids: list[int]) -> None:
    session.execute(delete(user_business_lines).where(user_business_lines.c.user_id == user_id))
    if ids:
        session.execute(
            insert(user_business_lines),
            [{"user_id": user_id, "business_line_id": i} for i in sorted(set(ids))],
        )


def create_user(
    session: Session,
    *,
    login: str,
    name: str,
    password: str,
    email: str = "",
    phone: str = "",
    language: str = "zh_CN",
    time_zone: str = "Asia/Shanghai",
    is_admin: bool = False,
    role: str | None = None,
    department_id: int | None = None,
    branch_id: int | None = None,
    business_line_ids: list[int] | None = None,
) -> User:
    """Create a user (operator tools and `add_user`); the login is unique, case-insensitive."""
    login = login.strip()
    if not login:
        raise ValidationError("login is required", "login")
    _check_language(language)
    _check_time_zone(time_zone)
    if find_user(session, login) is not None:
        raise Conflict(f"a user with login {login!r} already exists", "login")
    _check_refs(session, department_id, branch_id, business_line_ids or [])
    role_id = role_by_key(session, role).id if role else None
    user = User(
        login=login,
        name=name or login,
        email=email,
        phone=phone,
        language=language,
        time_zone=time_zone,
        password_hash=hash_password(password),
        is_admin=is_admin,
        role_id=role_id,
        department_id=department_id,
        branch_id=branch_id,
    )
    session.add(user)
    session.flush()
    _set_business_lines(session, user.id, business_line_ids or [])
    return user


def add_user(ctx: Ctx, data: UserCreate) -> tuple[User, str | None]:
    """An administrator creates a user; returns the generated password if none was given."""
    require(ctx.user, "users", "create")
    generated = None if data.password else generate_password()
    values = msgspec.structs.asdict(data)
    values["password"] = data.password or generated
    user = create_user(ctx.session, **values)
    return user, generated


def get_user(ctx: Ctx, user_id: int) -> User:
    """A user by id, for administrators."""
    require(ctx.user, "users", "view")
    user = ctx.session.get(User, user_id)
    if user is None:
        raise NotFound(f"user {user_id} not found")
    return user


def list_users(ctx: Ctx, *, q: str = "", include_inactive: bool = True) -> list[User]:
    """Users for administrators, by login."""
    require(ctx.user, "users", "view")
    query = select(User)
    if q:
        like = f"%{q.strip()}%"
        query = query.where(or_(User.login.like(like), User.name.like(like)))
    if not include_inactive:
        query = query.where(User.active.is_(True))
    return list(ctx.session.scalars(query.order_by(User.login)))


def business_line_ids(session: Session, user_id: int) -> list[int]:
    query = select(user_business_lines.c.business_line_id).where(
        user_business_lines.c.user_id == user_id
    )
    return sorted(session.scalars(query))


def update_user(ctx: Ctx, user_id: int, data: UserUpdate) -> User:
    """An administrator changes a user; a role change ends all of the user's sessions."""
    require(ctx.user, "users", "edit")
    user = get_user(ctx, user_id)
    changes = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET}
    if "language" in changes:
        _check_language(changes["language"])
    if "time_zone" in changes:
        _check_time_zone(changes["time_zone"])
    _check_refs(
        ctx.session,
        changes.get("department_id"),
        changes.get("branch_id"),
        changes.get("business_line_ids", []),
    )
    if "role" in changes:
        role_id = role_by_key(ctx.session, changes.pop("role")).id
        if role_id != user.role_id:
            user.role_id = role_id
            end_all_sessions(ctx.session, user.id)
    if "business_line_ids" in changes:
        _set_business_lines(ctx.session, user.id, changes.pop("business_line_ids"))
    for key, value in changes.items():
        setattr(user, key, value)
    ctx.session.flush()
    return user


def reset_password(ctx: Ctx, user_id: int) -> str:
    """An administrator sets a new random password (returned once) and ends the sessions."""
    require(ctx.user, "users", "edit")
    user = get_user(ctx, user_id)
    password = generate_password()
    user.password_hash = hash_password(password)
    end_all_sessions(ctx.session, user.id)
    return password


def change_own_password(ctx: Ctx, current: str, new: str) -> User:
    """A user changes their password; every session of theirs ends (the caller starts anew)."""
    user = _me(ctx)
    if not verify_password(user.password_hash, current):
        raise ValidationError("the current password is wrong", "current_password")
    user.password_hash = hash_password(new)
    end_all_sessions(ctx.session, user.id)
    return user


def set_own_language(ctx: Ctx, language: str) -> None:
    """A user changes their UI language."""
    _check_language(language)
    _me(ctx).language = language
    ctx.session.flush()


def me(ctx: Ctx) -> User:
    """The acting user's own row."""
    return _me(ctx)


def _me(ctx: Ctx) -> User:
    """The acting user's own row (any logged-in user may change their own settings)."""
    if ctx.user is None:
        raise NotAuthenticated("log in first")
    user = ctx.session.get(User, ctx.user.id)
    assert user is not None
    return user


def set_active(ctx: Ctx, user_id: int, active: bool) -> User:
    """(De)activate a user; deactivating someone who still owns records asks for hand-over."""
    require(ctx.user, "users", "edit")
    user = get_user(ctx, user_id)
    if not active:
        if ctx.user.id == user.id:
            raise Conflict("you cannot deactivate yourself", "active")
        from kht.auth.handover import owned_counts

        owned = {k: n for k, n in owned_counts(ctx, user.id).items() if n}
        if owned:
            listing = ", ".join(f"{n} {kind}" for kind, n in owned.items())
            raise Conflict(f"{user.login} still owns {listing}: hand them over first", "active")
        end_all_sessions(ctx.session, user.id)
    user.active = active
    ctx.session.flush()
    return user


def list_roles(ctx: Ctx) -> list[Role]:
    require(ctx.user, "users", "view")
    return list(ctx.session.scalars(select(Role).order_by(Role.id)))


def update_role(ctx: Ctx, role_id: int, data: RoleUpdate, modules: dict[str, Any]) -> Role:
    """Change a role's grants or 2FA requirement; its users' sessions end on grant changes.

    `grants` covers the `modules` known now: grants for modules of plugins that are disabled
    (not in `modules`) are kept, so they apply again when the plugin is enabled again.
    """
    require(ctx.user, "users", "admin")
    role = ctx.session.get(Role, role_id)
    if role is None:
        raise NotFound(f"role {role_id} not found")
    if data.grants is not msgspec.UNSET:
        dormant = {m: g for m, g in (role.grants or {}).items() if m not in modules}
        role.grants = {**dormant, **check_grants(data.grants, modules)}
        for (user_id,) in ctx.session.execute(select(User.id).where(User.role_id == role.id)):
            end_all_sessions(ctx.session, user_id)
    if data.require_2fa is not msgspec.UNSET:
        role.require_2fa = data.require_2fa
    ctx.session.flush()
    return role


def all_modules(ctx: Ctx) -> dict[str, tuple[str, str]]:
    """Core modules plus those declared by enabled plugins (`kht_register_permissions`)."""
    modules = dict(MODULES)
    for batch in ctx.hook.kht_register_permissions():
        for permission in batch or []:
            modules.setdefault(permission.module, (permission.label_zh, permission.label_en))
    return modules


def start_totp_setup(ctx: Ctx) -> tuple[str, str]:
    """Give the user a new TOTP secret (not yet active); returns it and its otpauth URI."""
    user = _me(ctx)
    if user.totp_enabled:
        # A new secret would switch the second factor off without proving the old one.
        raise Conflict("two-factor login is already on; switch it off first", "code")
    user.totp_secret = pyotp.random_base32()
    user.totp_enabled = False
    ctx.session.flush()
    uri = pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.login, issuer_name="kht")
    return user.totp_secret, uri


def confirm_totp(ctx: Ctx, code: str) -> None:
    """Activate two-factor login once the user proves their app shows the right code."""
    from kht.auth.login import verify_totp

    user = _me(ctx)
    if not verify_totp(user, code):
        raise ValidationError("wrong code: check the time on your phone and try again", "code")
    user.totp_enabled = True
    ctx.session.flush()


def disable_totp(ctx: Ctx, code: str) -> None:
    """Switch two-factor login off (not allowed when the user's role requires it)."""
    from kht.auth.login import verify_totp

    user = _me(ctx)
    role = ctx.session.get(Role, user.role_id) if user.role_id else None
    if role is not None and role.require_2fa:
        raise Conflict("your role requires two-factor login", "code")
    if not verify_totp(user, code):
        raise ValidationError("wrong code", "code")
    user.totp_enabled = False
    user.totp_secret = None
    ctx.session.flush()
