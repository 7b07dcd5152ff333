"""Company settings: administrators edit them (page and API, audited), the logo is checked
with Pillow, and printed quotes carry them in their header instead of a branch name."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from sqlalchemy import select

from kht.audit.models import AuditEntry
from kht.testing import csrf_token

SETTINGS = {
    "legal_name": "北京同方威视科技有限公司",
    "address": "北京市海淀区双清路 1 号",
    "tax_id": "91110108MA01ABCDE1",
    "bank_name": "招商银行北京分行",
    "bank_account": "1109 0123 4567 890",
    "phone": "010-6278 0909",
}


def image(fmt: str = "PNG", size: tuple[int, int] = (1200, 300)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format=fmt)
    return out.getvalue()


def put_logo(client, data: bytes, name: str = "logo.png"):
    return client.put("/api/v1/company/logo", files={"logo": (name, data, "image/png")})


def audit_rows(shop) -> list[AuditEntry]:
    with shop.runtime.ctx() as ctx:
        query = select(AuditEntry).where(AuditEntry.kind == "company").order_by(AuditEntry.id)
        return list(ctx.session.scalars(query))


def test_an_administrator_sets_the_company_details_through_the_api_audited(shop):
    with shop.client("boss") as client:
        empty = client.get("/api/v1/company").json()
        assert empty["legal_name"] == "" and empty["logo_url"] is None
        saved = client.put("/api/v1/company", json={"version": empty["version"], **SETTINGS})
        assert saved.status_code == 200, saved.text
        assert saved.json() == saved.json() | SETTINGS
        stale = client.put("/api/v1/company", json={"version": empty["version"], **SETTINGS})
    assert stale.status_code == 409 and stale.json()["field"] == "version"
    [row] = audit_rows(shop)
    assert row.action == "update" and row.user_id == shop.users["boss"]
    assert row.changes["tax_id"][1] == SETTINGS["tax_id"]


def test_only_administrators_see_or_change_the_company_settings(shop):
    with shop.client("manager") as client:
        assert client.get("/api/v1/company").status_code == 403
        assert client.put("/api/v1/company", json={"version": 0, **SETTINGS}).status_code == 403
        assert put_logo(client, image()).status_code == 403


def test_a_logo_is_checked_and_scaled_down_to_a_png(shop):
    with shop.client("boss") as client:
        answer = put_logo(client, image("JPEG", (2400, 600)), "logo.jpg")
        assert answer.status_code == 200, answer.text
        assert answer.json()["logo_url"] == "/api/v1/company/logo"
        stored = client.get("/api/v1/company/logo")
    assert stored.headers["content-type"] == "image/png"
    with Image.open(io.BytesIO(stored.content)) as logo:
        assert logo.format == "PNG" and logo.size == (600, 150)
    assert [row.changes["logo"][0] for row in audit_rows(shop)] == [None]


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"this is not an image", "logo.png"),
        (b"", "logo.png"),
        (image()[:-400], "truncated.png"),  # a PNG cut short
        (image("BMP", (10, 10)), "logo.bmp"),  # readable, but not an accepted format
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "logo.svg"),
    ],
)
def test_a_bad_logo_file_is_a_422_naming_the_logo(shop, data, name):
    with shop.client("boss") as client:
        answer = put_logo(client, data, name)
        assert answer.status_code == 422, answer.text
        assert answer.json()["field"] == "logo"
        assert client.get("/api/v1/company").json()["logo_url"] is None


def test_a_truncated_logo_is_refused_even_after_a_pdf_was_printed(shop):
    import weasyprint  # noqa: F401 - importing it lets Pillow load truncated images

    with shop.client("boss") as client:
        answer = put_logo(client, image()[:-400])
    assert answer.status_code == 422 and answer.json()["field"] == "logo"


def test_a_decompression_bomb_is_refused_without_being_decoded(shop):
    out = io.BytesIO()
    Image.new("1", (20000, 20000)).save(out, format="PNG")  # 400 megapixels, a few KB
    with shop.client("boss") as client:
        answer = put_logo(client, out.getvalue())
    assert answer.status_code == 422 and answer.json()["field"] == "logo"


def test_the_admin_page_saves_the_form_and_the_logo(shop):
    with shop.browser("boss") as client:
        page = client.get("/admin/company")
        assert page.status_code == 200 and 'id="company-form"' in page.text
        saved = client.post(
            "/admin/company",
            data={"_csrf_token": csrf_token(client), "version": "0", **SETTINGS},
            files={"logo": ("logo.png", image(), "image/png")},
        )
        assert saved.status_code == 200 and 'id="notice"' in saved.text
        assert SETTINGS["bank_account"] in saved.text and 'id="company-logo-image"' in saved.text
        version = re.search(r'name="version" value="(\d+)"', saved.text).group(1)
        bad = client.post(
            "/admin/company",
            data={"_csrf_token": csrf_token(client), "version": version, **SETTINGS, "phone": "1"},
            files={"logo": ("logo.png", b"not an image", "image/png")},
        )
    assert bad.status_code == 422 and 'id="form-error"' in bad.text
    with shop.client("boss") as client:
        assert client.get("/api/v1/company").json()["phone"] == SETTINGS["phone"]  # not kept


def test_a_rep_cannot_open_the_admin_page(shop):
    with shop.browser("rep") as client:
        assert client.get("/admin/company").status_code == 403


def test_the_printed_quote_carries_the_company_settings_instead_of_the_branch(shop):
    customer = shop.customer("rep", "客户甲")
    quote = shop.quote("rep", customer, [{"product_id": shop.products["P-33"], "quantity": "1"}])
    with shop.client("boss") as client:
        version = client.get("/api/v1/company").json()["version"]
        assert (
            client.put("/api/v1/company", json={"version": version, **SETTINGS}).status_code == 200
        )
        assert put_logo(client, image()).status_code == 200
    with shop.browser("rep") as client:
        printed = client.get(f"/quotes/{quote['id']}/print").text
        pdf = client.get(f"/quotes/{quote['id']}/pdf")
    for value in SETTINGS.values():
        assert value in printed
    assert 'src="data:image/png;base64,' in printed
    assert pdf.status_code == 200 and b"/Image" in pdf.content  # the logo is embedded


def test_without_settings_the_quote_header_still_names_the_owners_branch(shop):
    from kht.sales.quotes.printing import quote_context
    from kht.sales.quotes.service import get_quote

    customer = shop.customer("rep", "客户乙")
    quote = shop.quote("rep", customer, [{"product_id": shop.products["P-33"], "quantity": "1"}])
    with shop.ctx("rep") as ctx:
        company = quote_context(ctx, get_quote(ctx, quote["id"]))["company"]
    assert company["legal_name"] == "" and company["logo"] == ""
    assert company["name"] == company["branch"]
