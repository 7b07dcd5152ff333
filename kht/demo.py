"""`kht demo`: demo accounts across departments and branches, and every plugin's demo data."""

from __future__ import annotations

from kht.auth.passwords import generate_password, hash_password
from kht.auth.principal import load_principal
from kht.auth.service import create_user, find_user
from kht.context import Ctx
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
    ("sun.rep", "孙销售", "sales_rep", ("销售部", "华北销售组"), "北京分公司", ("办公设备",)),
    ("li.director", "李总监", "sales_manager", ("销售部",), "北京分公司", ()),
    ("zhou.marketing", "周市场", "marketing", ("市场部",), "北京分公司", ()),
    ("wu.service", "吴客服", "service", ("客服部",), "上海分公司", ()),
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


def load_demo(runtime: Runtime) -> list[tuple[str, str, str]]:
    """Load demo data (idempotent) and return (login, password, role) for each demo account.

    Passwords are generated anew on each run and printed by the caller: the demo never ships
    a known password. Each sales rep then creates demo customers as themselves, so scopes show.
    """
    logins: list[tuple[str, str, str]] = []
    with runtime.ctx() as ctx:
        password = generate_password()
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
        logins.append((DEMO_ADMIN, password, "administrator"))
        for spec in DEMO_USERS:
            user_password = generate_password()
            _ensure_account(ctx, spec, user_password)
            logins.append((spec[0], user_password, spec[2]))
        ctx.user = load_principal(ctx.session, admin.id)
        ctx.hook.kht_demo_data(ctx=ctx)
    return logins


def act_as(ctx: Ctx, login: str) -> Ctx:
    """A copy of `ctx` acting as another (demo) user, for data that belongs to them."""
    from dataclasses import replace

    user = find_user(ctx.session, login)
    assert user is not None, login
    return replace(ctx, user=load_principal(ctx.session, user.id))
