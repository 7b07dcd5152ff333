"""Product business rules: the only code that creates, changes or deletes products.

Products are shared by the whole company: they have no owner (never in anyone's hand-over),
everyone whose role may view the module sees all of them, only roles granted `products`
create/edit/delete may change them (administrators by default).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import false, func, select

from kht import record_service as records
from kht.auth.permissions import require
from kht.context import Ctx
from kht.errors import Conflict, ValidationError
from kht.fields import builtin, common
from kht.org.models import BusinessLine
from kht.plugin_types import KindMenu, RecordKind
from kht.products.models import Product, money_value, rate_value
from kht.products.schemas import ProductCreate, ProductOut, ProductUpdate

KIND = "product"
MODULE = "products"


def _text(values: dict[str, Any], key: str) -> None:
    if key in values and isinstance(values[key], str):
        values[key] = values[key].strip()
        if not values[key]:
            raise ValidationError(f"{key} is required", key)


def clean(ctx: Ctx, values: dict[str, Any], product_id: int | None = None) -> dict[str, Any]:
    """The product input rules every create, edit and import applies."""
    for key in ("code", "name"):
        _text(values, key)
    if "list_price" in values:
        values["list_price"] = money_value("list_price", values["list_price"])
    if "tax_rate" in values:
        values["tax_rate"] = rate_value(values["tax_rate"])
    line = values.get("product_line_id")
    if line is not None and ctx.session.get(BusinessLine, line) is None:
        raise ValidationError(f"product line {line} does not exist", "product_line_id")
    if "code" in values:
        _unique_code(ctx, values["code"], product_id)
    return values


def _unique_code(ctx: Ctx, code: str, product_id: int | None) -> None:
    query = select(Product.id).where(func.lower(Product.code) == code.lower())
    if product_id is not None:
        query = query.where(Product.id != product_id)
    if ctx.session.scalar(query) is not None:
        raise Conflict(f"a product with code {code!r} exists (perhaps in the recycle bin)", "code")


def create_product(ctx: Ctx, data: ProductCreate) -> Product:
    """Add a product to the catalogue (shared: no owner); audited like every record."""
    require(ctx.user, MODULE, "create")
    return records.create_record(ctx, SPEC, clean(ctx, records.changes_of(data)), owner_id=None)


def get_product(ctx: Ctx, product_id: int, *, deleted: bool = False) -> Product:
    """One product (404 when missing, deleted or the role may not view products)."""
    return records.get_record(ctx, SPEC, product_id, deleted=deleted)


def list_products(ctx: Ctx, **options: Any) -> tuple[list[Product], int]:
    """A page of products, filtered and sorted, and the total count (the options of
    `record_service.page_of`: page, page_size, q, sort, filters, deleted)."""
    return records.page_of(ctx, SPEC, **options)


def update_product(ctx: Ctx, product_id: int, data: ProductUpdate) -> Product:
    """Apply a partial update; a stale `version` raises Conflict and changes nothing."""
    require(ctx.user, MODULE, "edit")
    product = get_product(ctx, product_id)
    if data.version != product.version:
        raise Conflict(f"product {product_id} was changed by someone else; reload it", "version")
    changes = clean(ctx, records.changes_of(data), product.id)
    return records.update_record(ctx, SPEC, product, data.version, changes)


def line_names(ctx: Ctx) -> dict[int, str]:
    """Product lines (business lines) by id, for pickers and list cells."""
    rows = ctx.session.execute(select(BusinessLine.id, BusinessLine.name).order_by(BusinessLine.id))
    return {row.id: row.name for row in rows}


def product_names(ctx: Ctx, ids: set[int]) -> dict[int, tuple[str, str]]:
    """(code, name) of products by id (deleted ones too: price lists may still show them)."""
    if not ids:
        return {}
    rows = ctx.session.execute(
        select(Product.id, Product.code, Product.name).where(Product.id.in_(ids))
    )
    return {row.id: (row.code, row.name) for row in rows}


# The built-in fields: their labels and types for pages, history and exports.
FIELDS = (
    builtin("code", "text", "编码", "Code", required=True),
    builtin("name", "text", "名称", "Name", required=True),
    builtin("unit", "text", "单位", "Unit"),
    builtin("category", "text", "类别", "Category"),
    builtin("product_line_id", "number", "产品线", "Product line"),
    builtin("list_price", "money", "标准价", "List price"),
    builtin("tax_rate", "number", "税率", "Tax rate", help="0.13 = 13%"),
    builtin("active", "boolean", "在售", "On sale"),
    *common("owner_id", "created_at", "updated_at"),
    builtin("description", "long_text", "说明", "Description"),
)

SPEC = RecordKind(
    kind=KIND,
    model=Product,
    module=MODULE,
    label_zh="产品",
    label_en="Products",
    plural="products",
    menu=KindMenu(section="sales", icon="box-seam", order=45),
    fields=FIELDS,
    default_sort="code",
    open_filter=false,  # shared records: a hand-over never moves products
    owned=False,
    searchable=("code", "name", "category"),
    list_defaults=("code", "name", "unit", "category", "product_line_id", "list_price", "active"),
    create=create_product,
    create_schema=ProductCreate,
    update=update_product,
    update_schema=ProductUpdate,
    out_schema=ProductOut,
)
