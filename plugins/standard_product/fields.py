"""The pack's fields on leads and customers, and their choices (stored as "中文 English")."""

from __future__ import annotations

from kht.plugin_api import FieldDef

INDUSTRIES = (
    "汽车 Automotive",
    "电子 Electronics",
    "机械 Machinery",
    "医疗器械 Medical devices",
    "仪器仪表 Instruments",
    "办公设备 Office equipment",
    "家具 Furniture",
    "其他 Other",
)
SIZES = (
    "1-49人 1-49 staff",
    "50-199人 50-199 staff",
    "200-999人 200-999 staff",
    "1000人以上 1000+ staff",
)
TIMEFRAMES = (
    "1个月内 Within 1 month",
    "1-3个月 1-3 months",
    "3-6个月 3-6 months",
    "6个月以上 Over 6 months",
    "暂无计划 No plan",
)
BUDGETS = (
    "10万以下 Under 100k",
    "10-50万 100k-500k",
    "50-200万 500k-2M",
    "200万以上 Over 2M",
    "未知 Unknown",
)
PRODUCTS = (
    "整机 Equipment",
    "配件 Parts",
    "耗材 Consumables",
    "维保服务 Maintenance",
    "培训 Training",
)
PROVINCES = (
    "北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "上海", "江苏",
    "浙江", "安徽", "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "广西",
    "海南", "重庆", "四川", "贵州", "云南", "西藏", "陕西", "甘肃", "青海", "宁夏",
    "新疆", "香港", "澳门", "台湾",
)  # fmt: skip


def _choice(name: str, zh: str, en: str, choices: tuple[str, ...], position: int) -> FieldDef:
    return FieldDef(
        name=name,
        type="single_choice",
        label_zh=zh,
        label_en=en,
        choices=choices,
        position=position,
    )


INDUSTRY = _choice("industry", "行业", "Industry", INDUSTRIES, 1)
COMPANY_SIZE = _choice("company_size", "公司规模", "Company size", SIZES, 2)
TIMEFRAME = _choice("purchase_timeframe", "采购时间", "Purchase timeframe", TIMEFRAMES, 3)
BUDGET = _choice("budget_range", "预算范围", "Budget range", BUDGETS, 4)
PRODUCT_INTEREST = FieldDef(
    name="product_interest",
    type="multi_choice",
    label_zh="意向产品",
    label_en="Product interest",
    choices=PRODUCTS,
    position=5,
)
PROVINCE = _choice("province", "省份", "Province", PROVINCES, 6)

LEAD_FIELDS = [INDUSTRY, COMPANY_SIZE, TIMEFRAME, BUDGET, PRODUCT_INTEREST, PROVINCE]
CUSTOMER_FIELDS = [INDUSTRY, COMPANY_SIZE, PRODUCT_INTEREST, PROVINCE]


def fields_for(kind: str) -> list[FieldDef] | None:
    """The pack's fields of a core record kind (None: it adds none)."""
    return {"lead": LEAD_FIELDS, "customer": CUSTOMER_FIELDS}.get(kind)
