"""Notifications: the bell, the list and mark-read; each user only ever sees their own."""

from __future__ import annotations

from kht.actions.models import Notification
from kht.testing import csrf_token, log_in


def notify(team, login: str, title: str, url: str = "/customers/1") -> int:
    with team.ctx(None) as ctx:
        row = Notification(user_id=team.users[login], title=title, url=url, kind="action")
        ctx.session.add(row)
        ctx.session.flush()
        return row.id


def browser(team, login: str):
    client = team.client(login)
    client.headers.pop("Authorization")
    log_in(client, login)
    return client


def test_users_see_and_mark_only_their_own_notifications_in_the_api(team):
    mine = notify(team, "rep1", "for rep1")
    theirs = notify(team, "rep2", "for rep2")
    with team.client("rep1") as rep:
        assert [n["title"] for n in rep.get("/api/v1/notifications").json()] == ["for rep1"]
        assert rep.post(f"/api/v1/notifications/{theirs}/read").status_code == 404
        read = rep.post(f"/api/v1/notifications/{mine}/read")
        assert read.status_code == 200 and read.json()["read_at"] is not None
        assert rep.get("/api/v1/notifications?unread=true").json() == []
    with team.client("admin") as admin:  # even administrators see only their own
        assert admin.get("/api/v1/notifications").json() == []
        assert admin.post("/api/v1/notifications/read-all").json() == {"marked": 0}
    with team.client("rep2") as rep2:
        assert rep2.get("/api/v1/notifications?unread=true").json()[0]["id"] == theirs


def test_the_bell_counts_unread_and_the_page_marks_them_read(team):
    first = notify(team, "rep1", "提醒：回访", url="/customers/7")
    notify(team, "rep1", "second")
    notify(team, "rep2", "not mine")
    with browser(team, "rep1") as client:
        home = client.get("/")
        assert 'id="notification-bell"' in home.text and 'hx-get="/notifications/bell"' in home.text
        assert 'id="unread-count">2<' in client.get("/notifications/bell").text
        page = client.get("/notifications")
        assert "提醒：回访" in page.text and "not mine" not in page.text
        refused = client.post(f"/notifications/{first}/read", data={})
        assert refused.status_code == 403  # no CSRF token
        token = csrf_token(client)
        opened = client.post(
            f"/notifications/{first}/read",
            data={"_csrf_token": token, "open": "1"},
            follow_redirects=False,
        )
        assert opened.status_code in (302, 303) and opened.headers["location"] == "/customers/7"
        assert 'id="unread-count">1<' in client.get("/notifications/bell").text
        client.post("/notifications/read-all", data={"_csrf_token": token})
        assert "unread-count" not in client.get("/notifications/bell").text
    with browser(team, "rep2") as client:
        token = csrf_token(client)
        foreign = client.post(f"/notifications/{first}/read", data={"_csrf_token": token})
        assert foreign.status_code == 404
        assert 'id="unread-count">1<' in client.get("/notifications/bell").text
