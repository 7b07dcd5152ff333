"""What webhooks refuse: addresses inside the network (SSRF), bad input (422 naming the
field), anyone but administrators; and the secret never shows again anywhere."""

from __future__ import annotations

import ipaddress
import logging

import pytest
from sqlalchemy import select

from kht.audit.models import AuditEntry
from kht.testing import api_client, csrf_token
from kht.webhooks.models import WebhookDelivery
from kht.webhooks.net import is_public
from tests.team import build_team
from tests.webhooks.conftest import send

REFUSED_HOSTS = (
    "127.0.0.1",
    "169.254.169.254",  # the cloud metadata service
    "10.1.2.3",
    "172.16.0.1",
    "192.168.1.10",
    "100.64.0.1",  # shared (carrier-grade NAT)
    "0.0.0.0",
    "[::1]",
    "[fd00:ec2::254]",  # the IPv6 metadata service
    "[::ffff:127.0.0.1]",
    "[::ffff:169.254.169.254]",
)


def _create(client, url, **extra):
    body = {"name": "hook", "url": url, "events": ["record.created"], **extra}
    return client.post("/api/v1/webhooks", json=body)


@pytest.fixture
def strict(kht_app):
    """A server whose allow-list is empty (the default)."""
    return build_team(kht_app)


@pytest.mark.parametrize("host", REFUSED_HOSTS)
def test_loopback_private_link_local_and_metadata_addresses_are_refused(strict, host):
    with strict.client("admin") as admin:
        refused = _create(admin, f"http://{host}:8080/hook")
    assert refused.status_code == 422, refused.text
    assert refused.json()["field"] == "url"


def test_the_allow_list_lets_exactly_the_named_host_through(team, kht_app, receiver):
    with team.client("admin") as admin:
        assert _create(admin, receiver.url).status_code == 201  # 127.0.0.1 is allowed there
        assert _create(admin, "http://10.0.0.1/hook").status_code == 422
        # A name that resolves to a loopback address is refused when the message goes.
        by_name = _create(admin, f"http://localhost:{receiver.port}/hook")
        assert by_name.status_code == 201
    with api_client(kht_app(), "admin") as admin:  # the same database, no allow-list
        assert _create(admin, receiver.url).status_code == 422
    team.customer("甲", "rep1")
    send(team)
    assert len(receiver.requests) == 1  # only the allowed one arrived
    with team.ctx(None) as ctx:
        refused = ctx.session.scalar(
            select(WebhookDelivery).where(
                WebhookDelivery.subscription_id == by_name.json()["info"]["id"]
            )
        )
    assert refused.last_status_code is None
    assert refused.last_error == "the host resolves to a private or local address"


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.215.14", True),
        ("2606:2800:21f:cb07:6820:80da:af6b:8b2c", True),
        ("169.254.169.254", False),
        ("64:ff9b::7f00:1", False),  # NAT64 of 127.0.0.1
        ("2002:7f00:1::", False),  # 6to4 of 127.0.0.1
        ("224.0.0.1", False),
        ("fe80::1", False),
    ],
)
def test_which_addresses_count_as_public(address, public):
    assert is_public(ipaddress.ip_address(address)) is public


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "ftp://example.com/x"}, "url"),
        ({"url": "file:///etc/passwd"}, "url"),
        ({"url": "not a url"}, "url"),
        ({"url": "https://user:pw@example.com/x"}, "url"),
        ({"url": "javascript:alert(1)"}, "url"),
        ({"events": []}, "events"),
        ({"events": ["record.exploded"]}, "events[0]"),
        ({"kinds": ["spaceship"]}, "kinds[0]"),
        ({"name": ""}, "name"),
        ({"secret": "whsec_mine"}, "secret"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(strict, body, field):
    good = {"name": "hook", "url": "https://example.com/hook", "events": ["record.created"]}
    with strict.client("admin") as admin:
        answer = admin.post("/api/v1/webhooks", json={**good, **body})
    assert answer.status_code == 422, answer.text
    assert answer.json()["field"] == field


def test_a_stale_version_is_a_409_and_a_missing_webhook_a_404(strict):
    with strict.client("admin") as admin:
        info = _create(admin, "https://example.com/hook").json()["info"]
        url = f"/api/v1/webhooks/{info['id']}"
        assert admin.patch(url, json={"version": info["version"], "name": "a"}).status_code == 200
        assert admin.patch(url, json={"version": info["version"], "name": "b"}).status_code == 409
        bad = admin.patch(url, json={"version": info["version"] + 1, "url": "http://10.0.0.1/"})
        assert bad.status_code == 422 and bad.json()["field"] == "url"
        assert admin.get("/api/v1/webhooks/999999").status_code == 404
        assert admin.post("/api/v1/webhooks/999999/test").status_code == 404


@pytest.mark.parametrize("login", ["rep1", "east_mgr", "mkt"])
def test_only_administrators_manage_webhooks(strict, login):
    with strict.client("admin") as admin:
        webhook_id = _create(admin, "https://example.com/hook").json()["info"]["id"]
    with strict.client(login) as other:
        assert other.get("/api/v1/webhooks").status_code == 403
        assert _create(other, "https://example.com/x").status_code == 403
        assert other.get(f"/api/v1/webhooks/{webhook_id}").status_code == 403
        assert other.post(f"/api/v1/webhooks/{webhook_id}/test").status_code == 403
        assert other.delete(f"/api/v1/webhooks/{webhook_id}").status_code == 403
        assert other.get(f"/api/v1/webhooks/{webhook_id}/deliveries").status_code == 403
    with strict.browser(login) as page:
        assert page.get("/admin/webhooks").status_code == 403
        assert page.get(f"/admin/webhooks/{webhook_id}").status_code == 403
        token = {"_csrf_token": csrf_token(page)}
        assert page.post(f"/admin/webhooks/{webhook_id}/test", data=token).status_code == 403
        assert 'href="/admin/webhooks"' not in page.get("/").text
    with strict.client("admin") as admin:
        assert admin.get(f"/api/v1/webhooks/{webhook_id}/deliveries").json()["total"] == 0


def test_the_secret_is_never_shown_again_nor_logged_nor_audited(team, receiver, caplog):
    caplog.set_level(logging.DEBUG)
    with team.client("admin") as admin:
        created = _create(admin, receiver.url)
        secret, webhook_id = created.json()["secret"], created.json()["info"]["id"]
        assert "secret" not in created.json()["info"]
        admin.post(f"/api/v1/webhooks/{webhook_id}/test")
        answers = [
            admin.get("/api/v1/webhooks"),
            admin.get(f"/api/v1/webhooks/{webhook_id}"),
            admin.patch(f"/api/v1/webhooks/{webhook_id}", json={"version": 1, "name": "ERP"}),
            admin.post(f"/api/v1/webhooks/{webhook_id}/test"),
        ]
        send(team)
        answers.append(admin.get(f"/api/v1/webhooks/{webhook_id}/deliveries"))
        answers.append(admin.get("/api/schema/openapi.json"))
    with team.browser("admin") as page:
        answers += [page.get("/admin/webhooks"), page.get(f"/admin/webhooks/{webhook_id}")]
        answers.append(page.get("/admin/audit"))
    for answer in answers:
        assert answer.status_code in (200, 202), answer.url
        assert secret not in answer.text, answer.url
        assert secret.removeprefix("whsec_") not in answer.text, answer.url
    assert secret.removeprefix("whsec_") not in caplog.text
    with team.ctx(None) as ctx:
        audit = list(ctx.session.scalars(select(AuditEntry).where(AuditEntry.kind == "webhook")))
    assert [entry.action for entry in audit] == ["create", "update"]
    assert all(secret not in repr(entry.changes) for entry in audit)


def test_the_pages_refuse_bad_input_next_to_what_was_typed(strict):
    with strict.browser("admin") as page:
        token = csrf_token(page)
        form = {"_csrf_token": token, "name": "内网", "url": "http://10.0.0.1/h", "enabled": "1"}
        refused = page.post("/admin/webhooks", data={**form, "events": "record.created"})
        assert refused.status_code == 422
        assert 'id="form-error"' in refused.text and "url 指向私有或本地地址" in refused.text
        assert 'value="内网"' in refused.text
        no_event = page.post("/admin/webhooks", data={**form, "url": "https://example.com/h"})
        assert no_event.status_code == 422 and "请至少选择一个事件" in no_event.text
        made = page.post(
            "/admin/webhooks",
            data={**form, "url": "https://example.com/h", "events": "record.created"},
        )
        assert made.status_code == 200 and 'id="new-secret-value"' in made.text
        assert made.headers["cache-control"] == "no-store"
        with strict.ctx("admin") as ctx:
            from kht.webhooks.service import list_subscriptions

            [row] = list_subscriptions(ctx)
        edit = {**form, "url": "https://example.com/h2", "events": "order.placed"}
        saved = page.post(
            f"/admin/webhooks/{row.id}",
            data={**edit, "version": str(row.version)},
            follow_redirects=False,
        )
        assert saved.status_code == 303
        stale = page.post(f"/admin/webhooks/{row.id}", data={**edit, "version": str(row.version)})
        assert stale.status_code == 409 and "该 Webhook 已被他人修改" in stale.text
        gone = page.post(
            f"/admin/webhooks/{row.id}/delete", data={"_csrf_token": token}, follow_redirects=False
        )
        assert gone.status_code == 303
        assert page.get(f"/admin/webhooks/{row.id}").status_code == 404
