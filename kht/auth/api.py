"""Users, roles and API tokens JSON API: thin controllers over kht.auth.service and tokens."""

from __future__ import annotations

from typing import TypeVar

from litestar import Controller, delete, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody, Parameter
from sqlalchemy.orm import Session

from kht.auth import service, tokens
from kht.auth.handover import hand_over, owned_counts
from kht.auth.models import ApiToken, Role, User
from kht.auth.permissions import OPERATIONS, Principal
from kht.auth.schemas import (
    Grant,
    HandOver,
    HandOverResult,
    MeOut,
    OwnedRecords,
    PasswordReset,
    RoleOut,
    RolePage,
    RoleUpdate,
    TokenCreate,
    TokenCreated,
    TokenOut,
    TokenPage,
    UserCreate,
    UserCreated,
    UserOut,
    UserPage,
    UserUpdate,
)
from kht.context import Ctx, RequestCtx
from kht.errors import NotAuthenticated
from kht.records.schemas import out_of

PAGE = Parameter(ge=1, default=1)
PAGE_SIZE = Parameter(ge=1, le=500, default=50)
T = TypeVar("T")


def window(items: list[T], page: int, page_size: int) -> list[T]:
    """The items of one page of an already complete list."""
    start = (page - 1) * page_size
    return items[start : start + page_size]


def user_out(session: Session, user: User) -> UserOut:
    role = session.get(Role, user.role_id) if user.role_id else None
    lines = service.business_line_ids(session, user.id)
    return out_of(UserOut, user, role=role.key if role else None, business_line_ids=lines)


def token_out(row: ApiToken) -> TokenOut:
    return out_of(TokenOut, row)


def role_out(role: Role) -> RoleOut:
    return out_of(RoleOut, role, grants=role.grants or {})


def acting(ctx: Ctx) -> Principal:
    """The acting user; every logged-in user may see themselves and manage their own tokens."""
    if ctx.user is None:
        raise NotAuthenticated("a valid bearer token is required")
    return ctx.user


def grants_summary(ctx: Ctx, user: Principal) -> dict[str, Grant]:
    """What the user may do in each module (core and plugins) they have any right on."""
    summary = {}
    for module in service.all_modules(ctx):
        ops = [op for op in OPERATIONS if user.can(module, op)]
        if ops:
            summary[module] = Grant(ops=ops, scope=user.scope(module))
    return summary


@get("/api/v1/me", tags=["account"], sync_to_thread=True)
def me(ctx: RequestCtx) -> MeOut:
    """The acting user (the owner of the bearer token) and their rights per module."""
    user = acting(ctx)
    # A read of one's own row: no permission beyond being logged in is needed.
    row = ctx.session.get(User, user.id)
    assert row is not None
    return MeOut(
        user=user_out(ctx.session, row), is_admin=user.is_admin, grants=grants_summary(ctx, user)
    )


class TokenController(Controller):
    path = "/api/v1/tokens"
    tags = ["tokens"]

    @get("/", sync_to_thread=True)
    def list_tokens(
        self, ctx: RequestCtx, page: int = PAGE, page_size: int = PAGE_SIZE
    ) -> TokenPage:
        """The acting user's tokens, newest first (revoked ones included; never the token)."""
        rows = tokens.list_tokens(ctx.session, acting(ctx).id)
        items = [token_out(r) for r in window(rows, page, page_size)]
        return TokenPage(items=items, total=len(rows), page=page, page_size=page_size)

    @post("/", sync_to_thread=True)
    def create_token(self, ctx: RequestCtx, data: JSONBody[TokenCreate]) -> TokenCreated:
        """A new token with the acting user's rights; `token` is shown this once only."""
        row, token = tokens.create_token(
            ctx.session,
            acting(ctx).id,
            data.name,
            ctx.now(),
            data.expires_at,
            limit=ctx.user.token_expires_at,
        )
        return TokenCreated(token=token, info=token_out(row))

    @delete("/{token_id:int}", sync_to_thread=True)
    def revoke_token(self, ctx: RequestCtx, token_id: FromPath[int]) -> None:
        """Revoke one of the acting user's tokens (another user's token is not found)."""
        tokens.revoke_token(ctx.session, acting(ctx).id, token_id, ctx.now())


class UserController(Controller):
    path = "/api/v1/users"
    tags = ["users"]

    @get("/", sync_to_thread=True)
    def list_users(
        self,
        ctx: RequestCtx,
        page: int = PAGE,
        page_size: int = PAGE_SIZE,
        q: FromQuery[str] = "",
        include_inactive: FromQuery[bool] = True,
    ) -> UserPage:
        """Users by login; `q` matches login or name."""
        users = service.list_users(ctx, q=q, include_inactive=include_inactive)
        items = [user_out(ctx.session, u) for u in window(users, page, page_size)]
        return UserPage(items=items, total=len(users), page=page, page_size=page_size)

    @post("/", sync_to_thread=True)
    def create_user(self, ctx: RequestCtx, data: JSONBody[UserCreate]) -> UserCreated:
        """Create a user; without `password` a generated one is returned, this once only."""
        user, password = service.add_user(ctx, data)
        return UserCreated(user=user_out(ctx.session, user), password=password)

    @get("/{user_id:int}", sync_to_thread=True)
    def get_user(self, ctx: RequestCtx, user_id: FromPath[int]) -> UserOut:
        return user_out(ctx.session, service.get_user(ctx, user_id))

    @patch("/{user_id:int}", sync_to_thread=True)
    def update_user(
        self, ctx: RequestCtx, user_id: FromPath[int], data: JSONBody[UserUpdate]
    ) -> UserOut:
        """Change a user; a role change logs them out everywhere."""
        return user_out(ctx.session, service.update_user(ctx, user_id, data))

    @post("/{user_id:int}/password-reset", status_code=200, sync_to_thread=True)
    def reset_password(self, ctx: RequestCtx, user_id: FromPath[int]) -> PasswordReset:
        """Set a random password (returned this once) and end the user's sessions."""
        return PasswordReset(password=service.reset_password(ctx, user_id))

    @post("/{user_id:int}/deactivate", status_code=200, sync_to_thread=True)
    def deactivate(self, ctx: RequestCtx, user_id: FromPath[int]) -> UserOut:
        """Deactivate a user; 409 while they still own records (hand them over first)."""
        return user_out(ctx.session, service.set_active(ctx, user_id, False))

    @post("/{user_id:int}/activate", status_code=200, sync_to_thread=True)
    def activate(self, ctx: RequestCtx, user_id: FromPath[int]) -> UserOut:
        return user_out(ctx.session, service.set_active(ctx, user_id, True))

    @post("/{user_id:int}/hand-over", status_code=200, sync_to_thread=True)
    def hand_over(
        self, ctx: RequestCtx, user_id: FromPath[int], data: JSONBody[HandOver]
    ) -> HandOverResult:
        """Move everything the user owns to `to_user_id`, or to the shared pool when null."""
        return HandOverResult(moved=hand_over(ctx, user_id, data.to_user_id))

    @get("/{user_id:int}/owned", sync_to_thread=True)
    def owned(self, ctx: RequestCtx, user_id: FromPath[int]) -> OwnedRecords:
        """How many live records of each kind the user owns."""
        user = service.get_user(ctx, user_id)  # checks the right to view users
        return OwnedRecords(owned=owned_counts(ctx, user.id))


class RoleController(Controller):
    path = "/api/v1/roles"
    tags = ["users"]

    @get("/", sync_to_thread=True)
    def list_roles(self, ctx: RequestCtx, page: int = PAGE, page_size: int = PAGE_SIZE) -> RolePage:
        roles = service.list_roles(ctx)
        items = [role_out(r) for r in window(roles, page, page_size)]
        return RolePage(items=items, total=len(roles), page=page, page_size=page_size)

    @patch("/{role_id:int}", sync_to_thread=True)
    def update_role(
        self, ctx: RequestCtx, role_id: FromPath[int], data: JSONBody[RoleUpdate]
    ) -> RoleOut:
        """Change a role's grants or 2FA requirement; grant changes log its users out."""
        role = service.update_role(ctx, role_id, data, service.all_modules(ctx))
        return role_out(role)


ROUTES = [me, TokenController, UserController, RoleController]
