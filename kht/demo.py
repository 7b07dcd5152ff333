"""`kht demo`: demo accounts and demo data from the core and every enabled plugin."""

from __future__ import annotations

from kht.auth.passwords import generate_password, hash_password
from kht.auth.principal import load_principal
from kht.auth.service import create_user, find_user
from kht.runtime import Runtime

DEMO_ADMIN = "admin"


def load_demo(runtime: Runtime) -> list[tuple[str, str, str]]:
    """Load demo data (idempotent) and return (login, password, role) for each demo account.

    Passwords are generated anew on each run and printed by the caller: the demo never ships
    a known password.
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
        ctx.user = load_principal(ctx.session, admin.id)
        ctx.hook.kht_demo_data(ctx=ctx)
    return logins
