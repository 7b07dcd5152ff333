"""Modules, operations, data scopes, the built-in roles, and the acting user (`Principal`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

import msgspec

from kht.errors import Forbidden, NotAuthenticated

Operation = Literal["view", "create", "edit", "delete", "import", "export", "assign", "admin"]
OPERATIONS: tuple[str, ...] = Operation.__args__  # type: ignore[attr-defined]

# `team`: the user's own records and those of a work group they belong to (a service
# queue), for kinds whose model says who is in the group (`team_clause`).
Scope = Literal["own", "team", "department", "department_tree", "branch", "business_line", "all"]
SCOPES: tuple[str, ...] = Scope.__args__  # type: ignore[attr-defined]

# Core modules a role can grant; plugins add theirs through `kht_register_permissions`.
MODULES: dict[str, tuple[str, str]] = {
    "customers": ("客户", "Customers"),
    "contacts": ("联系人", "Contacts"),
    "leads": ("线索", "Leads"),
    "actions": ("行动", "Actions"),
    "mail": ("邮件", "Mail"),
    "sms": ("短信", "SMS"),
    "opportunities": ("销售机会", "Opportunities"),
    "competitors": ("竞争对手", "Competitors"),
    "products": ("产品", "Products"),
    "quotes": ("报价", "Quotes"),
    "orders": ("订单", "Orders"),
    "quotas": ("销售定额", "Quotas"),
    "campaigns": ("营销活动", "Campaigns"),
    "tickets": ("服务工单", "Tickets"),
    "knowledge": ("知识库", "Knowledge"),
    "reports": ("分析报表", "Reports"),
    "users": ("用户与组织", "Users and organisation"),
}

SALES = (
    "customers",
    "contacts",
    "leads",
    "actions",
    "mail",
    "sms",
    "opportunities",
    "quotes",
    "orders",
)
EDIT_OPS = ("view", "create", "edit")
MANAGE_OPS = ("view", "create", "edit", "delete", "import", "export", "assign")


def _grant(modules: tuple[str, ...] | list[str], ops: tuple[str, ...], scope: str) -> dict:
    return {module: {"ops": list(ops), "scope": scope} for module in modules}


BUILTIN_ROLES: dict[str, dict[str, Any]] = {
    "administrator": {
        "name_zh": "系统管理员",
        "name_en": "Administrator",
        "grants": _grant(list(MODULES), OPERATIONS, "all"),
    },
    "sales_manager": {
        "name_zh": "销售经理",
        "name_en": "Sales manager",
        "grants": {
            **_grant(SALES, MANAGE_OPS, "department_tree"),
            **_grant(
                ("quotas", "reports"), ("view", "create", "edit", "export"), "department_tree"
            ),
            **_grant(("products", "knowledge"), ("view",), "all"),
            **_grant(("competitors",), ("view", "create", "export"), "all"),
        },
    },
    "sales_rep": {
        "name_zh": "销售代表",
        "name_en": "Sales rep",
        "grants": {
            **_grant(SALES, EDIT_OPS, "own"),
            **_grant(("quotas",), ("view",), "own"),
            **_grant(("products", "knowledge"), ("view",), "all"),
            # Competitors are shared: every rep reads them and adds one met in a deal;
            # changing what is known of one is the administrators' (or a granted role's).
            **_grant(("competitors",), ("view", "create"), "all"),
        },
    },
    "marketing": {
        "name_zh": "市场专员",
        "name_en": "Marketing",
        "grants": {
            **_grant(("leads", "campaigns", "sms"), MANAGE_OPS, "all"),
            **_grant(("customers", "contacts"), ("view", "export"), "all"),
            **_grant(("products", "knowledge", "reports", "competitors"), ("view",), "all"),
        },
    },
    "service": {
        "name_zh": "客服专员",
        "name_en": "Service",
        "grants": {
            # A service rep works the tickets of their queues (the `team` scope).
            **_grant(("tickets",), EDIT_OPS, "team"),
            **_grant(("knowledge",), EDIT_OPS, "all"),
            **_grant(("customers", "contacts", "products"), ("view",), "all"),
            **_grant(("actions", "mail"), EDIT_OPS, "own"),
        },
    },
    "executive": {
        "name_zh": "高管（只读）",
        "name_en": "Executive (read all)",
        "grants": _grant([m for m in MODULES if m != "users"], ("view", "export"), "all"),
    },
}


class Principal(msgspec.Struct, frozen=True, kw_only=True):
    """The acting user as the permission layer sees it, resolved once per request."""

    id: int
    login: str
    name: str
    language: str = "zh_CN"
    time_zone: str = "Asia/Shanghai"
    is_admin: bool = False
    role_key: str | None = None
    grants: dict[str, Any] = {}
    department_id: int | None = None
    department_path: str | None = None
    branch_id: int | None = None
    business_line_ids: tuple[int, ...] = ()
    stage: str = "full"
    auth: str = "session"
    # When acting through an API token: when that token expires (None: never).
    token_expires_at: datetime | None = None

    def can(self, module: str, operation: str) -> bool:
        """Whether the role grants `operation` on `module` (administrators may do anything)."""
        if self.is_admin:
            return True
        return operation in self.grants.get(module, {}).get("ops", ())

    def scope(self, module: str) -> str | None:
        """The data scope on `module`, or None when the user may not even view it."""
        if self.is_admin:
            return "all"
        if not self.can(module, "view"):
            return None
        return self.grants.get(module, {}).get("scope", "own")


def require(user: Principal | None, module: str, operation: str) -> Principal:
    """The user, if their role grants `operation` on `module`; else 401/403."""
    if user is None:
        raise NotAuthenticated("log in first")
    if not user.can(module, operation):
        raise Forbidden(f"your role may not {operation} {module}")
    return user


def check_grants(grants: Any, modules: dict[str, Any]) -> dict[str, Any]:
    """Validate a role's grants: known modules, operations and scopes only."""
    from kht.errors import ValidationError

    if not isinstance(grants, dict):
        raise ValidationError("grants must be an object of {module: {ops, scope}}", "grants")
    for module, grant in grants.items():
        if module not in modules:
            raise ValidationError(f"unknown module {module!r}", f"grants.{module}")
        if not isinstance(grant, dict) or not set(grant) <= {"ops", "scope"}:
            raise ValidationError("a grant is {ops: [...], scope: ...}", f"grants.{module}")
        bad = [op for op in grant.get("ops", []) if op not in OPERATIONS]
        if bad:
            raise ValidationError(f"unknown operation(s): {', '.join(bad)}", f"grants.{module}.ops")
        if grant.get("scope", "own") not in SCOPES:
            raise ValidationError(
                f"scope must be one of: {', '.join(SCOPES)}", f"grants.{module}.scope"
            )
    return grants
