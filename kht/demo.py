"""`kht demo`: demo accounts across departments and branches, every plugin's demo data, and a
realistic company of generated customers (kht/demo_company.py)."""

from __future__ import annotations

import os
from pathlib import Path

from kht.auth.passwords import generate_password, hash_password
from kht.auth.principal import load_principal
from kht.auth.service import create_user, find_user
from kht.context import Ctx
from kht.dashboards.service import ship_standard_defaults
from kht.demo_company import DEFAULT_SIZE, load_company
from kht.org import service as org
from kht.org.models import Branch, BusinessLine
from kht.runtime import Runtime

DEMO_ADMIN = "admin"
# login, name, role, department path, branch, business lines
DEMO_USERS = (
    (
        "zhao.manager",
        "赵经理",
        "sales_manager",
        ("销售部", "华东销售组"),
        "上海分公司",
        ("医疗设备",),
    ),
    ("qian.rep", "钱销售", "sales_rep", ("销售部", "华东销售组"), "上海分公司", ("医疗设备",)),
    ("feng.rep", "冯销售", "sales_rep", ("销售部", "华东销售组"), "上海分公司", ("医疗设备",)),
    (
        "wang.manager",
        "王经理",
        "sales_manager",
        ("销售部", "华北销售组"),
        "北京分公司",
        ("办公设备",),
    ),
    ("sun.rep", "孙销售", "sales_rep", ("销售部", "华北销售组"), "北京分公司", ("办公设备",)),
    ("chen.rep", "陈销售", "sales_rep", ("销售部", "华北销售组"), "北京分公司", ("办公设备",)),
    ("li.director", "李总监", "sales_manager", ("销售部",), "北京分公司", ()),
    ("zhou.marketing", "周市场", "marketing", ("市场部",), "北京分公司", ()),
    ("wu.service", "吴客服", "service", ("客服部",), "上海分公司", ()),
    ("zhang.service", "张客服", "service", ("客服部",), "北京分公司", ()),
    ("zheng.ceo", "郑总", "executive", ("总经办",), "北京分公司", ()),
)


def _department_id(ctx: Ctx, names: tuple[str, ...]) -> int:
    parent_id = None
    for name in names:
        found = org.find_department(ctx.session, name)
        found = found or org.create_department(ctx.session, name, parent_id)
        parent_id = found.id
    assert parent_id is not None
    return parent_id


def _unit_id(ctx: Ctx, model: type, name: str) -> int:
    found = org.find_unit(ctx.session, model, name)
    return (found or org.create_unit(ctx.session, model, name)).id


def _ensure_account(ctx: Ctx, spec: tuple, password: str) -> None:
    login, name, role, departments, branch, lines = spec
    user = find_user(ctx.session, login)
    if user is not None:
        user.password_hash = hash_password(password)
        return
    create_user(
        ctx.session,
        login=login,
        name=name,
        password=password,
        role=role,
        department_id=_department_id(ctx, departments),
        branch_id=_unit_id(ctx, Branch, branch),
        business_line_ids=[_unit_id(ctx, BusinessLine, n) for n in lines],
    )


Login = tuple[str, str, str]  # login, password, role


def _ensure_admin(ctx: Ctx, password: str) -> int:
    admin = find_user(ctx.session, DEMO_ADMIN)
    if admin is None:
        admin = create_user(
            ctx.session,
            login=DEMO_ADMIN,
            name="Administrator",
            password=password,
            is_admin=True,
            role="administrator",
        )
    else:
        admin.password_hash = hash_password(password)
    return admin.id


def load_demo(
    runtime: Runtime, size: int = DEFAULT_SIZE, admin_password: str | None = None
) -> list[Login]:
    """Load demo data (idempotent) and return (login, password, role) for each demo account.

    The administrator gets `admin_password` when given (KHT_ADMIN_PASSWORD), the others a
    password generated anew on each run: the demo never ships a known password. Each sales
    rep then creates demo customers as themselves, so scopes show; last, the generated
    company is brought up to `size` customers.
    """
    with runtime.ctx() as ctx:
        password = admin_password or generate_password()
        admin_id = _ensure_admin(ctx, password)
        logins: list[Login] = [(DEMO_ADMIN, password, "administrator")]
        for spec in DEMO_USERS:
            user_password = generate_password()
            _ensure_account(ctx, spec, user_password)
            logins.append((spec[0], user_password, spec[2]))
        ctx.user = load_principal(ctx.session, admin_id)
        ctx.hook.kht_demo_data(ctx=ctx, size=size)
        ship_standard_defaults(ctx)  # the role dashboards an administrator can then change
        load_company(ctx, size)
    return logins


def write_logins(path: Path, logins: list[Login]) -> Path:
    """Store the demo logins in `path`, readable and writable by the current user only."""
    text = "".join(f"{login}\t{password}\t{role}\n" for login, password, role in logins)
    # Created 0600 (and made so if it existed): the file holds passwords.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write("# kht demo logins: login, password, role\n" + text)
    return path.resolve()


def act_as(ctx: Ctx, login: str) -> Ctx:
    """A copy of `ctx` acting as another (demo) user, for data that belongs to them."""
    from dataclasses import replace

    user = find_user(ctx.session, login)
    assert user is not None, login
    return replace(ctx, user=load_principal(ctx.session, user.id))
