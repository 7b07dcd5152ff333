"""Importing customers through the API: upload, mapping, preview, run, error report."""

from __future__ import annotations

import csv
import io

from sqlalchemy import func, select

from kht.audit.models import AuditEntry
from tests.importing.conftest import add_field, csv_bytes, run, upload, xlsx_bytes

HEADER = ["客户名称", "电话", "类型", "邮箱", "备注"]


def report_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def uploaded(client, rows, name="客户.csv", **kw) -> int:
    answer = upload(client, name, csv_bytes(rows, **kw))
    assert answer.status_code == 201, answer.text
    return answer.json()["id"]


def test_a_gbk_csv_with_chinese_headers_is_mapped_and_imported(world):
    data = csv_bytes(
        [
            HEADER,
            ["甲公司", "010-1234", "公司", "a@jia.cn", "老客户"],
            ["乙先生", "13800138000", "个人", "", ""],
        ],
        encoding="gbk",
    )
    with world.client("mgr") as client:
        answer = upload(client, "客户.csv", data)
        assert answer.status_code == 201, answer.text
        body = answer.json()
        assert body["mapping"] == {
            "客户名称": "name",
            "电话": "phone",
            "类型": "kind",
            "邮箱": "email",
            "备注": "notes",
        }
        assert body["rows"] == 2 and body["remembered"] is False
        result = run(client, body["id"])
        assert result.status_code == 200, result.text
        job = result.json()
        assert job["status"] == "done"
        assert job["result"]["created"] == 2 and job["result"]["written"] is True
    customers = world.customers()
    assert [(c.name, c.kind, c.phone) for c in customers] == [
        ("甲公司", "company", "010-1234"),
        ("乙先生", "person", "13800138000"),
    ]
    assert all(c.owner_id == world.users["mgr"] for c in customers)


def test_every_imported_row_is_audited_like_a_record_created_by_hand(world):
    with world.client("mgr") as client:
        import_id = uploaded(client, [["Name", "Phone"], ["Acme", "1"], ["Globex", "2"]])
        assert run(client, import_id).json()["result"]["created"] == 2
    with world.runtime.ctx() as ctx:
        audited = ctx.session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.kind == "customer", AuditEntry.action == "create")
        )
    assert audited == 2


def test_english_headers_and_custom_fields_are_matched_by_label_and_key(world):
    add_field(world, "level", "single_choice", "客户等级", "Level", choices=["A", "B"])
    add_field(world, "budget", "money", "预算", "Budget")
    rows = [["name", "Phone", "客户等级", "budget"], ["Acme", "1", "a", "1,200.5"]]
    with world.client("mgr") as client:
        body = upload(client, "c.csv", csv_bytes(rows)).json()
        assert body["mapping"] == {
            "name": "name",
            "Phone": "phone",
            "客户等级": "ext.custom.level",
            "budget": "ext.custom.budget",
        }
        assert run(client, body["id"]).json()["result"]["created"] == 1
    [customer] = world.customers()
    assert customer.ext == {"custom": {"level": "A", "budget": "1200.50"}}


def test_unknown_columns_are_ignored_with_a_warning(world):
    with world.client("mgr") as client:
        body = upload(client, "c.csv", csv_bytes([["名称", "星座"], ["Acme", "天蝎"]])).json()
        assert body["mapping"]["星座"] == ""
        assert any("星座" in w and "ignored" in w for w in body["warnings"])
        job = run(client, body["id"]).json()
        assert job["result"]["created"] == 1
        assert any("星座" in w for w in job["result"]["warnings"])


def test_the_mapping_can_be_overridden_and_is_remembered_for_the_same_layout(world):
    rows = [["公司", "座机号码", "其他"], ["Acme", "010-1", "x"]]
    with world.client("mgr") as client:
        first = upload(client, "a.csv", csv_bytes(rows)).json()
        assert first["mapping"]["座机号码"] == ""
        changed = client.post(
            f"/api/v1/imports/{first['id']}/mapping",
            json={"mapping": {"公司": "name", "座机号码": "phone", "其他": None}},
        )
        assert changed.status_code == 200, changed.text
        assert changed.json()["mapping"] == {"公司": "name", "座机号码": "phone", "其他": ""}
        # The same headers (spacing and case aside) next time: the stored mapping is proposed.
        second = upload(client, "b.csv", csv_bytes([[" 公司", "座机号码 ", "其他"]])).json()
    assert second["remembered"] is True
    assert second["mapping"] == {"公司": "name", "座机号码": "phone", "其他": ""}


def test_a_bad_mapping_is_refused_naming_the_column(world):
    with world.client("mgr") as client:
        import_id = uploaded(client, [["名称", "电话"], ["Acme", "1"]])
        url = f"/api/v1/imports/{import_id}/mapping"
        unknown = client.post(url, json={"mapping": {"电话": "shoe_size"}})
        assert unknown.status_code == 422 and unknown.json()["field"] == "mapping.电话"
        twice = client.post(url, json={"mapping": {"名称": "name", "电话": "name"}})
        assert twice.status_code == 422 and "both mapped" in twice.json()["message"]
        no_name = client.post(url, json={"mapping": {"名称": "", "电话": "phone"}})
        assert no_name.status_code == 422 and no_name.json()["field"] == "name"
        extra = client.post(url, json={"mapping": {}, "owner_id": 1})
        assert extra.status_code == 422


def test_the_preview_maps_the_first_rows_and_shows_their_problems_without_writing(world):
    rows = [
        ["名称", "类型", "邮箱"],
        ["Acme", "公司", "a@acme.cn"],
        ["", "公司", ""],
        ["Globex", "外星", ""],
    ]
    with world.client("mgr") as client:
        import_id = uploaded(client, rows)
        preview = client.get(f"/api/v1/imports/{import_id}/preview")
    assert preview.status_code == 200, preview.text
    shown = preview.json()["rows"]
    assert [row["row"] for row in shown] == [2, 3, 4]
    assert shown[0]["values"] == {"name": "Acme", "kind": "公司", "email": "a@acme.cn"}
    assert shown[0]["action"] == "create" and shown[0]["errors"] == []
    assert shown[1]["action"] == "fail" and shown[1]["errors"][0]["column"] == "名称"
    assert shown[2]["errors"][0]["column"] == "类型" and "外星" in shown[2]["errors"][0]["message"]
    assert world.customers() == []


def test_bad_cells_produce_an_error_report_with_row_numbers(world):
    add_field(world, "staff", "number", "员工数", "Staff")
    rows = [
        ["名称", "类型", "员工数", "邮箱"],
        ["Good Co", "公司", "12", ""],
        ["Bad Number", "公司", "很多", ""],
        ["Bad Choice", "外星", "1", ""],
        ["", "个人", "1", ""],
        ["Long Mail", "公司", "", "x" * 300],
    ]
    with world.client("mgr") as client:
        import_id = uploaded(client, rows)
        job = run(client, import_id).json()
        assert job["result"]["failed"] == 4 and job["result"]["written"] is False
        assert job["output_url"] == f"/api/v1/jobs/{import_id}/output"
        report = client.get(f"/api/v1/imports/{import_id}/errors.csv")
    assert report.status_code == 200
    assert "attachment" in report.headers["content-disposition"]
    lines = report_rows(report.content)
    assert lines[0] == ["行号", "列", "值", "问题"]
    by_row = {int(line[0]): line for line in lines[1:]}
    assert sorted(by_row) == [3, 4, 5, 6]
    assert by_row[3][1:3] == ["员工数", "很多"] and "number" in by_row[3][3]
    assert by_row[4][1:3] == ["类型", "外星"]
    assert by_row[5][1] == "名称" and "name" in by_row[5][3]
    assert by_row[6][1] == "邮箱"


def test_by_default_an_import_with_a_bad_row_writes_nothing(world):
    rows = [["名称", "类型"], ["Acme", "公司"], ["Globex", "外星"]]
    with world.client("mgr") as client:
        job = run(client, uploaded(client, rows)).json()
    assert job["result"] == job["result"] | {"created": 1, "failed": 1, "written": False}
    assert world.customers() == []


def test_commit_valid_rows_keeps_the_good_rows_and_reports_the_bad(world):
    rows = [["名称", "类型"], ["Acme", "公司"], ["Globex", "外星"], ["Initech", "个人"]]
    with world.client("mgr") as client:
        import_id = uploaded(client, rows)
        job = run(client, import_id, commit_valid=True).json()
        report = report_rows(client.get(f"/api/v1/imports/{import_id}/errors.csv").content)
    assert job["result"] == job["result"] | {"created": 2, "failed": 1, "written": True}
    assert world.names() == ["Acme", "Initech"]
    assert [line[0] for line in report[1:]] == ["3"]


def test_a_dry_run_validates_and_counts_but_changes_nothing(world):
    with world.client("mgr") as client:
        import_id = uploaded(client, [["名称"], ["Acme"], ["Globex"]])
        job = run(client, import_id, dry_run=True).json()
        assert job["result"] == job["result"] | {"created": 2, "dry_run": True, "written": False}
        assert world.customers() == []
        with world.runtime.ctx() as ctx:
            assert ctx.session.scalar(select(func.count()).select_from(AuditEntry)) == 0
        # After a dry run the same upload can be run for real.
        real = run(client, import_id).json()
    assert real["result"]["created"] == 2 and world.names() == ["Acme", "Globex"]


def test_an_import_that_was_written_cannot_run_again(world):
    with world.client("mgr") as client:
        import_id = uploaded(client, [["名称"], ["Acme"]])
        assert run(client, import_id).status_code == 200
        again = run(client, import_id)
    assert again.status_code == 409


def existing(world, login="mgr", **values) -> int:
    from kht.customers.schemas import CustomerCreate
    from kht.customers.service import create_customer

    with world.ctx_as(login) as ctx:
        return create_customer(ctx, CustomerCreate(**values)).id


def test_dedupe_skip_leaves_matching_records_alone(world):
    existing(world, name="Acme Ltd", phone="010-6278 0909")
    rows = [
        ["名称", "电话", "邮箱"],
        ["acme ltd", "", ""],
        ["Other", "01062780909", ""],
        ["New Co", "", ""],
        ["new co", "", ""],
    ]
    with world.client("mgr") as client:
        job = run(client, uploaded(client, rows)).json()
    assert job["result"] == job["result"] | {"created": 1, "skipped": 3}
    assert world.names() == ["Acme Ltd", "New Co"]


def test_a_phone_written_with_or_without_the_country_code_is_one_natural_key(world):
    # The import once compared phones by their digits only, so +86 138… and 138… were two
    # customers here while the duplicate finder then offered to merge them.
    existing(world, name="Acme", phone="138 0013 8000")
    existing(world, name="Globex", phone="+1 212 555 0100")
    rows = [
        ["名称", "电话"],
        ["Acme Shanghai", "+86 138-0013-8000"],
        ["Globex US", "001 212 555 0100"],
        ["Initech", "0086 139 0000 1111"],
        ["Initech Beijing", "13900001111"],
    ]
    with world.client("mgr") as client:
        job = run(client, uploaded(client, rows)).json()
    assert job["result"] == job["result"] | {"created": 1, "skipped": 3}
    assert world.names() == ["Acme", "Globex", "Initech"]


def test_a_duplicate_further_down_a_long_file_is_found_after_its_first_row_was_written(world):
    # Rows are written 500 at a time; the first "Co 0" is in the database by row 502.
    rows = [["名称"], *([f"Co {k}"] for k in range(500)), ["co 0"], ["New"]]
    with world.client("mgr") as client:
        job = run(client, uploaded(client, rows)).json()
    assert job["result"] == job["result"] | {"created": 501, "skipped": 1}
    assert world.names().count("Co 0") == 1


def test_dedupe_update_changes_the_matching_record_and_keeps_empty_cells(world):
    acme = existing(world, name="Acme", phone="1", email="old@acme.cn", address="北京")
    rows = [["名称", "邮箱", "地址"], ["ACME", "new@acme.cn", ""], ["Globex", "g@x.cn", "上海"]]
    with world.client("mgr") as client:
        job = run(client, uploaded(client, rows), dedupe="update").json()
    assert job["result"] == job["result"] | {"created": 1, "updated": 1}
    by_id = {c.id: c for c in world.customers()}
    assert by_id[acme].email == "new@acme.cn" and by_id[acme].address == "北京"
    assert by_id[acme].name == "ACME" and by_id[acme].version == 2


def test_dedupe_create_adds_duplicates(world):
    existing(world, name="Acme")
    with world.client("mgr") as client:
        job = run(client, uploaded(client, [["名称"], ["Acme"], ["Acme"]]), dedupe="create").json()
    assert job["result"]["created"] == 2 and world.names() == ["Acme", "Acme", "Acme"]


def test_dedupe_only_matches_records_in_the_users_scope(world):
    existing(world, login="west", name="Acme")
    with world.client("mgr") as client:
        job = run(client, uploaded(client, [["名称"], ["Acme"]]), dedupe="update").json()
    assert job["result"]["created"] == 1 and job["result"]["updated"] == 0
    owners = sorted(c.owner_id for c in world.customers())
    assert owners == sorted([world.users["west"], world.users["mgr"]])


def test_an_xlsx_file_is_read_with_numbers_and_dates_as_text(world):
    add_field(world, "since", "date", "合作日期", "Since")
    from datetime import date

    rows = [
        ["客户名称", "电话", "合作日期"],
        ["甲公司", 13800138000, "2024/3/5"],
        ["乙公司", 1065529988.0, None],
    ]
    with world.client("mgr") as client:
        body = upload(client, "客户.xlsx", xlsx_bytes(rows)).json()
        assert body["rows"] == 2
        job = run(client, body["id"]).json()
    assert job["result"]["created"] == 2
    first, second = world.customers()
    assert first.phone == "13800138000" and first.ext == {"custom": {"since": "2024-03-05"}}
    assert second.phone == "1065529988"
    assert date.fromisoformat(first.ext["custom"]["since"]) == date(2024, 3, 5)


def test_contacts_are_imported_with_their_customer_found_by_name(world):
    acme = existing(world, name="Acme")
    rows = [
        ["姓名", "所属客户", "角色", "手机", "生日"],
        ["王经理", "Acme", "决策者", "139", "1980-02-03"],
        ["李工", "Nobody Inc", "使用者", "138", ""],
    ]
    with world.client("mgr") as client:
        import_id = upload(client, "联系人.csv", csv_bytes(rows), kind="contact").json()["id"]
        job = run(client, import_id, commit_valid=True).json()
        assert job["result"] == job["result"] | {"created": 1, "failed": 1}
        report = report_rows(client.get(f"/api/v1/imports/{import_id}/errors.csv").content)
    assert report[1][:3] == ["3", "所属客户", "Nobody Inc"]
    from kht.contacts.models import Contact

    with world.runtime.ctx() as ctx:
        [contact] = ctx.session.scalars(select(Contact)).all()
    assert (contact.customer_id, contact.role, str(contact.birthday)) == (
        acme,
        "decision_maker",
        "1980-02-03",
    )


def test_leads_are_imported_and_deduplicated_by_phone(world):
    rows = [
        ["姓名", "公司", "手机", "状态"],
        ["张三", "甲", "138-0013-8000", "新线索"],
        ["张三丰", "乙", "13800138000", ""],
    ]
    with world.client("mgr") as client:
        import_id = upload(client, "线索.csv", csv_bytes(rows), kind="lead").json()["id"]
        job = run(client, import_id).json()
    assert job["result"] == job["result"] | {"created": 1, "skipped": 1}


def test_a_rep_without_the_import_permission_gets_403(world):
    with world.client("rep") as client:
        answer = upload(client, "c.csv", csv_bytes([["名称"], ["Acme"]]))
    assert answer.status_code == 403


def test_another_users_import_is_not_found(world):
    with world.client("mgr") as client:
        import_id = uploaded(client, [["名称"], ["Acme"]])
    with world.client("west") as other:
        assert other.get(f"/api/v1/imports/{import_id}").status_code == 404
        assert run(other, import_id).status_code == 404
        assert other.get(f"/api/v1/imports/{import_id}/errors.csv").status_code == 404
    with world.client("boss") as admin:
        assert admin.get(f"/api/v1/imports/{import_id}").status_code == 200


def test_an_unknown_kind_or_bad_run_options_are_refused(world):
    with world.client("mgr") as client:
        assert upload(client, "c.csv", b"a\n1\n", kind="spaceship").status_code == 404
        import_id = uploaded(client, [["名称"], ["Acme"]])
        assert run(client, import_id, dedupe="merge").status_code == 422
        assert run(client, import_id, owner_id=1).status_code == 422


def test_anonymous_callers_are_sent_to_log_in(world):
    from litestar.testing import TestClient

    with TestClient(world.app) as client:
        for url in ("/api/v1/imports/1", "/api/v1/jobs/1", "/api/v1/customers/export"):
            assert client.get(url).status_code == 401
        assert upload(client, "c.csv", b"name\nA\n").status_code == 401
        for url in ("/import", "/jobs/1", "/customers/export"):
            answer = client.get(url, follow_redirects=False)
            assert answer.status_code == 302 and answer.headers["location"].startswith("/login")
