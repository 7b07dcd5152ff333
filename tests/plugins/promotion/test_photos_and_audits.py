"""Visit photos lose their EXIF location (read back from the stored file); a file that is
not an image is refused naming `photo`; audits are structured values that aggregate."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from PIL import Image

from kht.files.service import download
from kht.plugin_api import Conflict, ValidationError
from plugins.promotion import audits, visits
from plugins.promotion.schemas import AuditAnswer, AuditIn
from tests.plugins.promotion.conftest import JINGAN, TODAY

GPS_IFD = 0x8825


def phone_photo(width: int = 3000, height: int = 2000) -> bytes:
    """A JPEG as a phone writes it: with the camera's make and a GPS position in its EXIF."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[GPS_IFD] = {1: "N", 2: (31.0, 13.0, 22.8), 3: "E", 4: (121.0, 26.0, 42.0)}
    out = BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, "JPEG", exif=exif)
    return out.getvalue()


def in_store(field, name: str = "罗森") -> int:
    outlet = field.outlet(name, "rep1")
    stop = field.stops("rep1", field.plan("rep1", [outlet]))[0]
    field.check_in("rep1", stop.id, JINGAN)
    return stop.id


def test_the_fixture_photo_really_carries_a_gps_position():
    exif = Image.open(BytesIO(phone_photo())).getexif()
    assert exif.get_ifd(GPS_IFD)[2] == (31.0, 13.0, 22.8)


def test_a_stored_photo_is_resized_and_has_no_exif_location(field):
    visit_id = in_store(field)
    with field.at("rep1") as ctx:
        file = visits.add_photo(ctx, visit_id, "IMG_0001.HEIC", phone_photo())
        _, stored = download(ctx, file.id)
        assert visits.get_visit(ctx, visit_id).photos == 1
    image = Image.open(BytesIO(stored))
    assert image.format == "JPEG" and max(image.size) == 1600
    assert file.filename == "IMG_0001.jpg"
    exif = image.getexif()
    assert exif.get_ifd(GPS_IFD) == {} and 0x010F not in exif
    assert b"PhoneMaker" not in stored


@pytest.mark.parametrize("data", [b"%PDF-1.7 not a photo", b"", phone_photo()[:400]])
def test_a_file_that_is_not_a_photo_is_refused_naming_the_field(field, data):
    visit_id = in_store(field)
    with field.at("rep1") as ctx, pytest.raises(ValidationError) as refused:
        visits.add_photo(ctx, visit_id, "x.jpg", data)
    assert refused.value.field == "photo"


def test_no_photo_before_check_in(field):
    outlet = field.outlet("未签到", "rep1")
    stop = field.stops("rep1", field.plan("rep1", [outlet]))[0]
    with field.at("rep1") as ctx, pytest.raises(Conflict):
        visits.add_photo(ctx, stop.id, "a.jpg", phone_photo(10, 10))


def answers(facings_ours, facings_theirs, price_ours, price_theirs, oos) -> AuditIn:
    return AuditIn(
        answers=[
            AuditAnswer(metric="facings", brand="清泉", number=Decimal(facings_ours)),
            AuditAnswer(
                metric="facings", brand="百岁山", own=False, number=Decimal(facings_theirs)
            ),
            AuditAnswer(metric="price", brand="清泉", sku="清泉 550ml", number=Decimal(price_ours)),
            AuditAnswer(
                metric="price", brand="百岁山", sku="百岁山 570ml", own=False,
                number=Decimal(price_theirs),
            ),
            AuditAnswer(metric="out_of_stock", brand="清泉", sku="清泉 550ml", flag=oos),
            AuditAnswer(metric="posm", brand="清泉", flag=True),
        ]
    )  # fmt: skip


def test_audit_values_aggregate_into_shelf_share_oos_rate_and_price_index(field):
    first, second = in_store(field, "甲店"), None
    with field.at("rep1") as ctx:
        audits.submit_audit(ctx, first, answers(6, 4, "2.00", "2.50", True))
        visits.check_out(ctx, first)
    second = in_store(field, "乙店")
    with field.at("rep1") as ctx:
        audits.submit_audit(ctx, second, answers(4, 6, "2.20", "2.50", False))
        summary = audits.aggregates(ctx, TODAY, TODAY)
    # Facings: ours 6 + 4 = 10, theirs 4 + 6 = 10 -> 50% each.
    assert summary["shelf_share"] == {"清泉": Decimal("50.0"), "百岁山": Decimal("50.0")}
    # Out of stock in one audit of two.
    assert summary["out_of_stock_rate"] == {"清泉 550ml": Decimal("50.0")}
    assert summary["average_price"] == {
        "清泉 550ml": Decimal("2.10"),
        "百岁山 570ml": Decimal("2.50"),
    }
    # 2.10 / 2.50 = 84: ours sells 16% below the competitor.
    assert summary["price_index"] == Decimal("84.0")
    with field.at("rep1") as ctx:
        assert audits.aggregates(ctx, date(2026, 6, 16), date(2026, 6, 30))["price_index"] is None


def test_a_bad_answer_leaves_no_half_audit(field):
    visit_id = in_store(field)
    bad = AuditIn(
        answers=[
            AuditAnswer(metric="facings", brand="清泉", number=Decimal(3)),
            AuditAnswer(metric="stock", brand="清泉", number=Decimal(250)),
        ]
    )
    with field.at("rep1") as ctx, pytest.raises(ValidationError) as refused:
        audits.submit_audit(ctx, visit_id, bad)
    assert refused.value.field == "answers[1].number"
    with field.at("rep1") as ctx:
        assert audits.values_of(ctx, visit_id) == []
        assert not visits.get_visit(ctx, visit_id).audited
    missing = AuditIn(answers=[AuditAnswer(metric="out_of_stock", sku="清泉 550ml")])
    with field.at("rep1") as ctx, pytest.raises(ValidationError) as refused:
        audits.submit_audit(ctx, visit_id, missing)
    assert refused.value.field == "answers[0].flag"
