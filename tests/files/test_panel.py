"""The files panel of a record page: the list, the upload form, downloads, and deleting."""

from __future__ import annotations

from litestar.testing import TestClient

from kht.customers.models import Customer
from kht.testing import csrf_token, log_in
from kht.web.i18n import translations


def panel_html(team, login: str, customer_id: int) -> str:
    env = team.app.template_engine.engine
    with team.ctx(login) as ctx:
        customer = ctx.session.get(Customer, customer_id)
        batches = ctx.hook.kht_record_panels(ctx=ctx, kind="customer", record=customer)
        [panel] = [p for batch in batches for p in batch or [] if p.key == "files"]
        return env.get_template(panel.template).render(
            panel=panel,
            _=translations("en").gettext,
            csrf_input='<input type="hidden" name="_csrf_token">',
            current_path=f"/customers/{customer_id}",
        )


def test_uploading_from_the_panel_returns_to_the_record_page(team):
    customer_id = team.customer("面板", owner="rep1")
    with TestClient(team.app) as client:
        log_in(client, "rep1")
        answer = client.post(
            "/files/upload",
            data={
                "_csrf_token": csrf_token(client),
                "kind": "customer",
                "record_id": str(customer_id),
                "next": f"/customers/{customer_id}",
            },
            files={"file": ("报价单.xlsx", b"PK\x03\x04")},
            follow_redirects=False,
        )
        assert answer.status_code == 303, answer.text
        assert answer.headers["location"] == f"/customers/{customer_id}"
        html = panel_html(team, "rep1", customer_id)
        assert "报价单.xlsx" in html and 'enctype="multipart/form-data"' in html
        file_id = html.split('data-file="')[1].split('"')[0]
        download = client.get(f"/files/{file_id}/download")
        assert download.status_code == 200 and download.content == b"PK\x03\x04"
        assert download.headers["content-disposition"].startswith("attachment;")
        deleted = client.post(
            f"/files/{file_id}/delete",
            data={"_csrf_token": csrf_token(client), "next": f"/customers/{customer_id}"},
            follow_redirects=False,
        )
        assert deleted.status_code == 303
    assert "No files yet." in panel_html(team, "rep1", customer_id)


def test_an_upload_without_the_csrf_token_is_refused(team):
    customer_id = team.customer("csrf", owner="rep1")
    with TestClient(team.app) as client:
        log_in(client, "rep1")
        answer = client.post(
            "/files/upload",
            data={"kind": "customer", "record_id": str(customer_id)},
            files={"file": ("a.txt", b"a")},
        )
        assert answer.status_code == 403


def test_view_only_roles_get_no_upload_form(team):
    customer_id = team.customer("只读", owner="rep1")
    html = panel_html(team, "mkt", customer_id)
    assert "upload-form" not in html


def test_the_customer_page_shows_the_files_panel(team):
    customer_id = team.customer("页面客户", owner="rep1")
    with TestClient(team.app) as client:
        log_in(client, "rep1")
        page = client.get(f"/customers/{customer_id}")
        assert page.status_code == 200
        assert 'id="files-panel"' in page.text and 'id="upload-form"' in page.text
