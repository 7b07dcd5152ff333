"""Importing the catalogue from CSV/Excel: columns, checks and dedupe by product code."""

from __future__ import annotations

from functools import cache
from typing import Any

import msgspec
from sqlalchemy import func, or_, select

from kht import record_service as records
from kht.context import Ctx
from kht.errors import NotFound
from kht.importing.kinds import ImportKind, choice_target, ref_target, text_target
from kht.org.models import BusinessLine
from kht.products import service
from kht.products.schemas import ProductCreate, ProductUpdate

ACTIVE_LABELS = {
    "yes": "yes",
    "no": "no",
    "是": "yes",
    "在售": "yes",
    "启用": "yes",
    "否": "no",
    "停售": "no",
    "停用": "no",
}


def line_by_name(ctx: Ctx, text: str) -> int:
    """The business line named (or coded) `text`, for a file's product-line column."""
    wanted = text.strip().lower()
    found = ctx.session.scalar(
        select(BusinessLine.id).where(
            or_(func.lower(BusinessLine.name) == wanted, func.lower(BusinessLine.code) == wanted)
        )
    )
    if found is None:
        raise NotFound(f"no product line named {text!r}", "product_line_id")
    return found


def _number(text: Any) -> Any:
    """Spreadsheet money and rates: thousands separators, ¥ signs and "13%" are allowed."""
    if not isinstance(text, str):
        return text
    cleaned = text.replace(",", "").replace("¥", "").replace("￥", "").strip()
    if cleaned.endswith("%"):
        from decimal import Decimal, InvalidOperation

        try:
            return str(Decimal(cleaned[:-1].strip()) / 100)
        except InvalidOperation:
            return cleaned
    return cleaned


def _values(values: dict[str, Any]) -> dict[str, Any]:
    values = dict(values)
    for key in ("list_price", "tax_rate"):
        if key in values:
            values[key] = _number(values[key])
    if isinstance(values.get("active"), str):  # `create` gets prepared values again
        values["active"] = values["active"] != "no"
    return values


def _prepare(ctx: Ctx, values: dict[str, Any]) -> dict[str, Any]:
    data = msgspec.convert(_values(values), ProductCreate, strict=False)
    return service.clean(ctx, records.changes_of(data))


def _create(ctx: Ctx, values: dict[str, Any]) -> Any:
    return service.create_product(
        ctx, msgspec.convert(_values(values), ProductCreate, strict=False)
    )


def _update(ctx: Ctx, record: Any, values: dict[str, Any]) -> Any:
    body = {**_values(values), "version": record.version}
    if str(body.get("code", "")).strip().lower() == record.code.lower():
        body.pop("code")  # the row matched by this code: keep the catalogue's spelling
    return service.update_product(
        ctx, record.id, msgspec.convert(body, ProductUpdate, strict=False)
    )


@cache
def product_kind() -> ImportKind:
    """Products: every row goes through the product service (shared, unique codes)."""
    return ImportKind(
        spec=service.SPEC,
        built_in=(
            text_target(
                "code", "编码", "Code", "产品编码", "产品编号", "货号", "型号", "sku", required=True
            ),
            text_target(
                "name", "名称", "Name", "产品名称", "品名", "product", "product name", required=True
            ),
            text_target("unit", "单位", "Unit", "计量单位", "uom"),
            text_target("category", "类别", "Category", "产品类别", "分类", "产品分类"),
            ref_target(
                "product_line_id", "产品线", "Product line", "业务线", "product line", "line"
            ),
            text_target("list_price", "标准价", "List price", "价格", "单价", "售价", "price"),
            text_target("tax_rate", "税率", "Tax rate", "tax", "vat"),
            choice_target("active", "在售", "Active", ACTIVE_LABELS, "状态", "是否在售"),
            text_target("description", "说明", "Description", "描述", "备注", "notes"),
        ),
        prepare=_prepare,
        create=_create,
        update=_update,
        dedupe=("code",),
        resolvers={"product_line_id": line_by_name},
        bulk=False,
    )


__all__ = ["line_by_name", "product_kind"]
