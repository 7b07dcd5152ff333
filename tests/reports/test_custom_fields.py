"""Reports group, measure and filter by an administrator's custom fields like built-in ones,
and drill down on them."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import parse_qs, urlparse

from kht.customers.schemas import CustomerCreate
from kht.customers.service import create_customer
from kht.customfields.service import add_field
from kht.db.custom_fields import FieldDef
from kht.errors import ValidationError
from kht.lists.engine import count, parse_filter
from kht.records import record_kinds
from kht.reports import service
from kht.testing import acting_as, add_user, runtime_of

LEVELS = ("gold", "silver")


def test_a_custom_choice_and_number_field_group_measure_and_drill(kht_app):
    app = kht_app()
    runtime = runtime_of(app)
    add_user(runtime, "boss", "administrator", is_admin=True)
    with acting_as(runtime, "boss") as ctx:
        add_field(
            ctx,
            "customer",
            FieldDef(
                name="level",
                type="single_choice",
                label_zh="等级",
                label_en="Level",
                choices=LEVELS,
            ),
        )
        add_field(
            ctx,
            "customer",
            FieldDef(name="staff", type="number", label_zh="人数", label_en="Staff"),
        )
    with acting_as(runtime, "boss") as ctx:
        for name, level, staff in (
            ("甲", "gold", 10),
            ("乙", "gold", 30),
            ("丙", "silver", 5),
            ("丁", None, None),
        ):
            custom = {"level": level, "staff": staff} if level else {}
            create_customer(
                ctx, CustomerCreate(name=name, ext={"custom": custom} if custom else {})
            )
    with acting_as(runtime, "boss") as ctx:
        result = service.run_report(
            ctx,
            "customers.by_stage",
            dimensions=["ext.custom.level"],
            measures=["count", "sum:ext.custom.staff", "avg:ext.custom.staff"],
        )
        rows = {row.labels[0]: row.values for row in result.rows}
        assert rows["gold"] == [2, Decimal("40.00"), Decimal("20.00")]
        assert rows["silver"] == [1, Decimal("5.00"), Decimal("5.00")]
        assert rows["—"][0] == 1
        assert result.measures[1].label == "合计 · 人数"
        spec = record_kinds(ctx)["customer"]
        for row in result.rows:
            filters = [parse_filter(t) for t in parse_qs(urlparse(row.drill).query)["f"]]
            assert count(ctx.session, spec.query(ctx, filters=filters)) == row.values[0]
        ranged = service.run_report(
            ctx, "customers.by_stage", dimensions=["ext.custom.staff:range:10,20"]
        )
        assert {row.labels[0] for row in ranged.rows} == {"10 – 20", "< 10", "≥ 20", "—"}
        try:
            service.run_report(ctx, "customers.by_stage", measures=["sum:ext.custom.level"])
        except ValidationError as error:
            assert error.field == "ext.custom.level"
        else:
            raise AssertionError("a sum of a choice field must be refused")
