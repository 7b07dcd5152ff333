"""The products module's reports: the catalogue by category, line, price."""

from __future__ import annotations

from functools import partial

from kht.plugin_types import ReportDimension, ReportMeasure, report

products = partial(report, "product", "products")
PRICE = ReportMeasure(
    key="avg", label_zh="平均标准价", label_en="Average list price", agg="avg", field="list_price"
)

REPORTS = [
    products("products.by_category", "产品类别", "Products by category", "category", chart="pie"),
    products("products.by_line", "各产品线产品", "Products per product line", "product_line_id"),
    products("products.active", "在售与停售", "Active and retired products", "active", chart="pie"),
    products(
        "products.by_price",
        "价格分布",
        "Products by list price",
        ReportDimension(field="list_price", bucket="range", ranges=(100, 1000, 10000, 100000)),
    ),
    products(
        "products.price_by_category",
        "各类别平均价格",
        "Average price per category",
        "category",
        measures=(
            ReportMeasure(key="count", label_zh="产品数", label_en="Products"),
            PRICE,
            ReportMeasure(
                key="min", label_zh="最低价", label_en="Lowest", agg="min", field="list_price"
            ),
            ReportMeasure(
                key="max", label_zh="最高价", label_en="Highest", agg="max", field="list_price"
            ),
        ),
    ),
    products(
        "products.price_by_line",
        "各产品线平均价格",
        "Average price per product line",
        "product_line_id",
        measures=(ReportMeasure(key="count", label_zh="产品数", label_en="Products"), PRICE),
    ),
    products("products.by_tax_rate", "税率分布", "Products by tax rate", "tax_rate"),
    products(
        "products.per_month",
        "每月新增产品",
        "New products per month",
        "created_at:month",
        chart="line",
    ),
    products(
        "products.line_by_category",
        "产品线 × 类别",
        "Product lines by category",
        "product_line_id",
        "category",
        chart="stacked",
    ),
]
