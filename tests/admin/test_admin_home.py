"""The administration home and the plugins page: links from the menu hooks, plugins enabled
and disabled with the CLI's checks, and nothing of it for a rep."""

from __future__ import annotations

import re

import pytest
from litestar.testing import TestClient
from sqlalchemy import select

from kht.plugins import PluginState
from kht.testing import csrf_token
from tests.conftest import EXT_PLUGIN, NEEDS_EXT_PLUGIN
from tests.team import build_team

ADMIN_PAGES = ("/admin/audit", "/admin/plugins")


@pytest.fixture
def team(kht_app):
    return build_team(kht_app)


def _post(client: TestClient, url: str):
    return client.post(url, data={"_csrf_token": csrf_token(client)}, follow_redirects=False)


def test_the_admin_home_links_every_admin_page_of_the_menu(team):
    with team.browser("admin") as admin:
        home = admin.get("/admin")
        assert home.status_code == 200
        linked = set(re.findall(r'href="([^"]+)" data-admin-page=', home.text))
        menu = admin.get("/").text
        dropdown = menu[menu.index('data-menu-section="admin"') :]
        in_menu = set(
            re.findall(r'href="([^"]+)"\s+data-menu=', dropdown[: dropdown.index("</ul>")])
        )
        assert linked == in_menu - {"/admin"}
        expected = {
            "/admin/users",
            "/admin/roles",
            "/admin/org",
            "/admin/fields",
            "/admin/lifecycle",
        }
        assert expected | {"/admin/categories", "/admin/processes", *ADMIN_PAGES} <= linked
        for url in linked - {"/api/schema"}:
            assert admin.get(url).status_code == 200, url


def test_a_rep_gets_403_on_the_admin_pages_and_sees_no_link(team):
    with team.browser("rep1") as rep:
        for url in ("/admin", *ADMIN_PAGES):
            assert rep.get(url).status_code == 403, url
        assert _post(rep, "/admin/plugins/membership/enable").status_code == 403
        assert 'href="/admin"' not in rep.get("/").text
        with team.ctx(None) as ctx:
            assert ctx.session.get(PluginState, "membership") is None


def _state(team, name: str) -> bool | None:
    with team.ctx(None) as ctx:
        return ctx.session.scalar(select(PluginState.enabled).where(PluginState.name == name))


def test_the_plugins_page_lists_installed_packs_with_version_and_what_they_add(team):
    with team.browser("admin") as admin:
        page = admin.get("/admin/plugins").text
    row = page[page.index('data-plugin="standard_product"') :]
    row = row[: row.index("</tr>")]
    assert 'data-enabled="0"' in row
    assert team.runtime.found["standard_product"].info.version in row
    assert "销售流程" in row  # it contributes a sales process
    assert "standard_product_" in row  # its tables
    assert 'data-plugin="membership"' in page


def test_enabling_a_pack_from_the_page_migrates_it_and_says_a_restart_is_needed(team):
    with team.browser("admin") as admin:
        answer = _post(admin, "/admin/plugins/standard_product/enable")
        assert answer.status_code == 303
        assert _state(team, "standard_product") is True
        page = admin.get(answer.headers["location"]).text
        assert 'id="plugins-restart"' in page and "standard_product" in page
        from kht.sales.processes.models import Process

        with team.ctx(None) as ctx:  # seeded as `kht plugins enable` seeds it
            keys = set(ctx.session.scalars(select(Process.key)))
        assert len(keys) >= 2


def test_the_page_refuses_what_the_cli_refuses(kht_app):
    team = build_team(kht_app, extra=(EXT_PLUGIN, NEEDS_EXT_PLUGIN))
    with team.browser("admin") as admin:
        unknown = _post(admin, "/admin/plugins/no_such_pack/enable")
        assert unknown.status_code == 400 and "no_such_pack" in unknown.text
        assert _post(admin, "/admin/plugins/needs_ext/enable").status_code == 303
        assert _state(team, "ext_plugin") is True  # what it requires comes with it
        refused = _post(admin, "/admin/plugins/ext_plugin/disable")
        assert refused.status_code == 400 and "needs_ext" in refused.text
        assert _state(team, "ext_plugin") is True


def test_disabling_from_the_page_keeps_the_data_and_needs_a_restart(team):
    team.runtime.set_enabled("membership", True)
    with team.browser("admin") as admin:
        answer = _post(admin, "/admin/plugins/membership/disable")
        assert answer.status_code == 303
        assert _state(team, "membership") is False
        assert 'id="plugins-restart"' not in admin.get("/admin/plugins").text  # never ran here
