"""The pack's fields on leads and customers, and their choices.

Records store a choice's key (`instruments`); pages and exports show its label in the
reader's language. Provinces are names, stored as they are shown.
"""

from __future__ import annotations

from kht.plugin_api import Choice, FieldDef

INDUSTRIES = (
    Choice(key="automotive", label_zh="汽车", label_en="Automotive"),
    Choice(key="electronics", label_zh="电子", label_en="Electronics"),
    Choice(key="machinery", label_zh="机械", label_en="Machinery"),
    Choice(key="medical_devices", label_zh="医疗器械", label_en="Medical devices"),
    Choice(key="instruments", label_zh="仪器仪表", label_en="Instruments"),
    Choice(key="office_equipment", label_zh="办公设备", label_en="Office equipment"),
    Choice(key="furniture", label_zh="家具", label_en="Furniture"),
    Choice(key="other", label_zh="其他", label_en="Other"),
)
SIZES = (
    Choice(key="staff_1_49", label_zh="1-49人", label_en="1-49 staff"),
    Choice(key="staff_50_199", label_zh="50-199人", label_en="50-199 staff"),
    Choice(key="staff_200_999", label_zh="200-999人", label_en="200-999 staff"),
    Choice(key="staff_1000_plus", label_zh="1000人以上", label_en="1000+ staff"),
)
TIMEFRAMES = (
    Choice(key="within_1_month", label_zh="1个月内", label_en="Within 1 month"),
    Choice(key="months_1_3", label_zh="1-3个月", label_en="1-3 months"),
    Choice(key="months_3_6", label_zh="3-6个月", label_en="3-6 months"),
    Choice(key="over_6_months", label_zh="6个月以上", label_en="Over 6 months"),
    Choice(key="no_plan", label_zh="暂无计划", label_en="No plan"),
)
BUDGETS = (
    Choice(key="under_100k", label_zh="10万以下", label_en="Under 100k"),
    Choice(key="from_100k_to_500k", label_zh="10-50万", label_en="100k-500k"),
    Choice(key="from_500k_to_2m", label_zh="50-200万", label_en="500k-2M"),
    Choice(key="over_2m", label_zh="200万以上", label_en="Over 2M"),
    Choice(key="unknown", label_zh="未知", label_en="Unknown"),
)
PRODUCTS = (
    Choice(key="equipment", label_zh="整机", label_en="Equipment"),
    Choice(key="parts", label_zh="配件", label_en="Parts"),
    Choice(key="consumables", label_zh="耗材", label_en="Consumables"),
    Choice(key="maintenance", label_zh="维保服务", label_en="Maintenance"),
    Choice(key="training", label_zh="培训", label_en="Training"),
)
PROVINCES = (
    "北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "上海", "江苏",
    "浙江", "安徽", "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "广西",
    "海南", "重庆", "四川", "贵州", "云南", "西藏", "陕西", "甘肃", "青海", "宁夏",
    "新疆", "香港", "澳门", "台湾",
)  # fmt: skip


def _choice(
    name: str, zh: str, en: str, choices: tuple[Choice | str, ...], position: int
) -> FieldDef:
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
