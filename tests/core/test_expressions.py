"""Expressions written differently per database: same meaning, each one's index used."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.dialects import postgresql, sqlite

from kht.auth.models import User
from kht.customers.models import Customer
from kht.db.expressions import in_subquery


def _scoped(department_id: int):
    team = select(User.id).where(User.department_id == department_id)
    return select(Customer.id).where(
        or_(Customer.owner_id.is_(None), in_subquery(Customer.owner_id, team))
    )


def test_postgresql_gets_any_array_and_sqlite_a_plain_in():
    pg = str(_scoped(5).compile(dialect=postgresql.dialect()))
    lite = str(_scoped(5).compile(dialect=sqlite.dialect()))
    assert "customers.owner_id = ANY(ARRAY(SELECT users.id" in pg
    assert "customers.owner_id IN (SELECT users.id" in lite and "= 1" not in lite


def test_the_statement_cache_shares_the_shape_but_not_the_values():
    first, second = _scoped(5), _scoped(6)
    assert first._generate_cache_key().key == second._generate_cache_key().key
    assert [b.value for b in first._generate_cache_key().bindparams] == [5]
    assert [b.value for b in second._generate_cache_key().bindparams] == [6]


def test_it_finds_exactly_the_team_s_records(kht_runtime):
    from kht.testing import add_user

    runtime = kht_runtime()
    east = add_user(runtime, "east", department="East")
    west = add_user(runtime, "west", department="West")
    with runtime.ctx() as ctx:
        ctx.session.add_all(
            [Customer(name=n, kind="company", owner_id=o) for n, o in (("e", east), ("w", west))]
        )
        ctx.session.flush()
        east_department = ctx.session.get(User, east).department_id
        found = ctx.session.scalars(_scoped(east_department)).all()
        names = {ctx.session.get(Customer, i).name for i in found}
        assert names == {"e"}


def test_search_scopes_leave_the_owner_index_alone_on_postgresql():
    from kht.auth.permissions import Principal
    from kht.auth.scope import owned_by_visible
    from kht.search.models import SearchDocument

    manager = Principal(
        id=3,
        login="mgr",
        name="mgr",
        department_id=2,
        department_path="/1/2/",
        grants={"customers": {"ops": ["view"], "scope": "department_tree"}},
    )
    owner = SearchDocument.__table__.c.owner_id
    dialect = postgresql.dialect()
    listing = str(owned_by_visible(manager, owner, "customers").compile(dialect=dialect))
    search = str(
        owned_by_visible(manager, owner, "customers", owner_index=False).compile(dialect=dialect)
    )
    assert "= ANY(ARRAY(SELECT users.id" in listing
    assert "IN (SELECT users.id" in search and "ANY(ARRAY" not in search
