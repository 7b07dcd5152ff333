"""Files on records: upload within the size cap, safe downloads, deletion, and scope."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from kht.files import service
from kht.files.models import Attachment

PDF = b"%PDF-1.4 contract"


def upload(client, customer_id: int, name: str = "合同.pdf", content: bytes = PDF, **fields):
    data = {"kind": "customer", "record_id": str(customer_id), **fields}
    return client.post("/api/v1/files", data=data, files={"file": (name, content)})


def test_a_file_is_attached_listed_and_downloaded_as_an_attachment(team):
    customer_id = team.customer("华东客户", owner="rep1")
    with team.client("rep1") as client:
        created = upload(client, customer_id)
        assert created.status_code == 201, created.text
        file = created.json()
        assert (file["filename"], file["size"]) == ("合同.pdf", len(PDF))
        assert file["content_type"] == "application/pdf"
        assert file["uploaded_by_id"] == team.users["rep1"]
        listed = client.get("/api/v1/files", params={"kind": "customer", "record_id": customer_id})
        assert [f["id"] for f in listed.json()["items"]] == [file["id"]]
        download = client.get(f"/api/v1/files/{file['id']}/download")
        assert download.status_code == 200 and download.content == PDF
        disposition = download.headers["content-disposition"]
        assert disposition.startswith("attachment;")
        assert f"filename*=UTF-8''{quote('合同.pdf')}" in disposition
        assert download.headers["x-content-type-options"] == "nosniff"
    entry = team.audit("customer", customer_id)[0]
    assert entry.changes == {"attachment": [None, "合同.pdf"]}


def test_uploaded_html_is_never_served_inline(team):
    customer_id = team.customer("xss", owner="rep1")
    with team.client("rep1") as client:
        page = b"<script>alert(document.cookie)</script>"
        file = upload(client, customer_id, "evil.html", page).json()
        download = client.get(f"/api/v1/files/{file['id']}/download")
    assert download.headers["content-disposition"].startswith("attachment;")
    assert download.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in download.headers["content-security-policy"]


def test_folder_parts_and_odd_characters_are_stripped_from_names(team):
    assert service.clean_filename("../../etc/passwd") == "passwd"
    assert service.clean_filename("C:\\Users\\me\\报价单.xlsx") == "报价单.xlsx"
    assert service.clean_filename('a"b\r\n.txt') == "a_b_.txt"
    assert service.clean_filename("...") == "file"
    assert service.content_type_of("data.unknownext") == "application/octet-stream"


def test_files_over_10_mb_are_refused_with_413_and_empty_ones_with_422(team):
    customer_id = team.customer("大文件", owner="rep1")
    with team.client("rep1") as client:
        exactly = upload(client, customer_id, "max.bin", b"0" * service.MAX_SIZE)
        assert exactly.status_code == 201
        too_big = upload(client, customer_id, "big.bin", b"0" * (service.MAX_SIZE + 1))
        assert too_big.status_code == 413
        assert too_big.json()["field"] == "file" and "10 MB" in too_big.json()["message"]
        huge = upload(client, customer_id, "huge.bin", b"0" * (service.MAX_SIZE * 2))
        assert huge.status_code == 413
        empty = upload(client, customer_id, "empty.txt", b"")
        assert empty.status_code == 422 and empty.json()["field"] == "file"
    with team.ctx(None) as ctx:
        assert ctx.session.query(Attachment).count() == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": ""}, "kind"),
        ({"kind": "spaceship"}, "kind"),
        ({"record_id": "abc"}, "record_id"),
    ],
)
def test_bad_upload_fields_are_422_naming_the_field(team, fields, field):
    customer_id = team.customer("字段", owner="rep1")
    with team.client("rep1") as client:
        refused = upload(client, customer_id, **fields)
        assert refused.status_code == 422 and refused.json()["field"] == field
        form = {"kind": "customer", "record_id": str(customer_id)}
        no_file = client.post("/api/v1/files", data=form, files={"other": ("a.txt", b"a")})
        assert no_file.status_code == 422 and no_file.json()["field"] == "file"
        not_multipart = client.post("/api/v1/files", data=form)
        assert not_multipart.status_code == 400


def test_records_out_of_scope_hide_their_files(team):
    customer_id = team.customer("别人的", owner="rep2")
    with team.client("rep2") as client:
        file = upload(client, customer_id).json()
    with team.client("rep1") as client:
        assert upload(client, customer_id).status_code == 404
        params = {"kind": "customer", "record_id": customer_id}
        assert client.get("/api/v1/files", params=params).status_code == 404
        assert client.get(f"/api/v1/files/{file['id']}/download").status_code == 404
        assert client.delete(f"/api/v1/files/{file['id']}").status_code == 404
        assert client.get("/api/v1/files/999999/download").status_code == 404


def test_files_of_a_deleted_record_are_not_served(team):
    customer_id = team.customer("删除的", owner="rep1")
    with team.client("rep1") as client:
        file = upload(client, customer_id).json()
    with team.client("admin") as client:
        client.delete(f"/api/v1/customers/{customer_id}")
        assert client.get(f"/api/v1/files/{file['id']}/download").status_code == 404


def test_view_only_roles_download_but_cannot_attach_or_delete(team):
    customer_id = team.customer("只读", owner="rep1")
    with team.client("rep1") as client:
        file = upload(client, customer_id).json()
    with team.client("mkt") as client:
        assert client.get(f"/api/v1/files/{file['id']}/download").status_code == 200
        assert upload(client, customer_id).status_code == 403
        assert client.delete(f"/api/v1/files/{file['id']}").status_code == 403


def test_the_uploader_or_an_editor_in_scope_deletes_a_file(team):
    customer_id = team.customer("删除附件", owner="rep1")
    with team.client("rep1") as client:
        first = upload(client, customer_id).json()
        second = upload(client, customer_id, "b.txt", b"b").json()
        assert client.delete(f"/api/v1/files/{first['id']}").status_code == 204
    with team.client("east_mgr") as client:
        assert client.delete(f"/api/v1/files/{second['id']}").status_code == 204
        params = {"kind": "customer", "record_id": customer_id}
        assert client.get("/api/v1/files", params=params).json()["total"] == 0
    assert team.audit("customer", customer_id)[0].changes == {"attachment": ["b.txt", None]}
