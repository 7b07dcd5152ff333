"""Demo catalogue: a dozen products on three product lines and two price lists."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from kht.context import Ctx
from kht.customers.models import CustomerCategory
from kht.org import service as org
from kht.org.models import BusinessLine
from kht.products import pricing, service
from kht.products.models import PriceList, Product
from kht.products.schemas import ItemIn, PriceListCreate, ProductCreate

# code, name, unit, category, product line, list price, tax rate
DEMO_PRODUCTS = (
    ("AJ-6550", "通道式X射线安检机 6550", "台", "X射线安检", "安检设备", "168000.00", "0.13"),
    ("AJ-10080", "大通道X射线安检机 100100", "台", "X射线安检", "安检设备", "385000.00", "0.13"),
    ("AJ-MD300", "手持金属探测器 MD-300", "个", "金属探测", "安检设备", "680.00", "0.13"),
    ("AJ-WT8", "通过式金属探测门 8区", "台", "金属探测", "安检设备", "12800.00", "0.13"),
    ("YL-JH200", "多参数监护仪 JH-200", "台", "监护设备", "医疗设备", "23500.00", "0.13"),
    ("YL-US80", "便携式彩色超声诊断仪 US-80", "台", "影像设备", "医疗设备", "126000.00", "0.13"),
    ("YL-SY10", "输液泵 SY-10", "台", "输注设备", "医疗设备", "5800.00", "0.13"),
    ("YL-KZ01", "一次性医用口罩（50只装）", "盒", "耗材", "医疗设备", "25.00", "0.13"),
    ("BG-FY4055", "A3彩色激光复合机 4055", "台", "打印复印", "办公设备", "18900.00", "0.13"),
    ("BG-TY500", "高清商务投影仪 500流明", "台", "会议设备", "办公设备", "7600.00", "0.13"),
    ("BG-SZ01", "A4复印纸（5包/箱）", "箱", "耗材", "办公设备", "135.00", "0.13"),
    ("FW-AZ01", "设备安装调试服务", "次", "服务", "安检设备", "2000.00", "0.06"),
)
KEY_ACCOUNTS = "重点客户"  # a category kht.pool's demo data creates (made here if missing)


def _line_id(ctx: Ctx, name: str) -> int:
    found = org.find_unit(ctx.session, BusinessLine, name)
    return (found or org.create_unit(ctx.session, BusinessLine, name)).id


def _products(ctx: Ctx) -> dict[str, int]:
    rows = ctx.session.execute(select(Product.code, Product.id))
    existing = {row.code: row.id for row in rows}
    for code, name, unit, category, line, price, rate in DEMO_PRODUCTS:
        if code in existing:
            continue
        data = ProductCreate(
            code=code,
            name=name,
            unit=unit,
            category=category,
            product_line_id=_line_id(ctx, line),
            list_price=Decimal(price),
            tax_rate=Decimal(rate),
        )
        existing[code] = service.create_product(ctx, data).id
    return existing


def _category_id(ctx: Ctx) -> int:
    found = ctx.session.scalar(
        select(CustomerCategory.id).where(CustomerCategory.name == KEY_ACCOUNTS)
    )
    if found is None:
        category = CustomerCategory(name=KEY_ACCOUNTS, position=10)
        ctx.session.add(category)
        ctx.session.flush()
        found = category.id
    return found


def _price_list(ctx: Ctx, data: PriceListCreate, prices: list[tuple[int, str, str]]) -> None:
    if ctx.session.scalar(select(PriceList.id).where(PriceList.name == data.name)):
        return
    created = pricing.create_price_list(ctx, data)
    for product_id, minimum, price in prices:
        item = ItemIn(product_id=product_id, price=Decimal(price), min_quantity=Decimal(minimum))
        pricing.set_item(ctx, created.id, item)


def load(ctx: Ctx) -> None:
    """The demo catalogue and price lists (idempotent: existing codes and lists are kept)."""
    ids = _products(ctx)
    year = ctx.today().year
    standard = PriceListCreate(
        name=f"{year}年渠道价格表", valid_from=date(year, 1, 1), valid_to=date(year, 12, 31)
    )
    _price_list(
        ctx,
        standard,
        [
            (ids["AJ-6550"], "1", "159000.00"),
            (ids["AJ-6550"], "5", "152000.00"),
            (ids["AJ-MD300"], "10", "620.00"),
            (ids["YL-KZ01"], "100", "21.50"),
            (ids["BG-SZ01"], "20", "120.00"),
        ],
    )
    key_accounts = PriceListCreate(
        name="重点客户协议价", customer_category_id=_category_id(ctx), valid_from=date(year, 1, 1)
    )
    _price_list(
        ctx,
        key_accounts,
        [
            (ids["AJ-6550"], "1", "149000.00"),
            (ids["AJ-10080"], "1", "358000.00"),
            (ids["YL-US80"], "1", "115000.00"),
            (ids["BG-FY4055"], "1", "16800.00"),
        ],
    )
