"""The pack's record kinds and their rules: key accounts, agreements, consumption; settings.

Every kind is declared once (RecordKind) and gets its list, form, record page, API, import
and export from the core. Each names its customer, and the customer's record team (the
account team) opens it too (`team_parents`): a member from another branch put on the
account's team sees its agreements, plans and consumption.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from kht.customers.service import get_customer
from kht.plugin_api import (
    N_,
    Choice,
    Conflict,
    Ctx,
    FieldDef,
    NotFound,
    RecordKind,
    RecordPages,
    SettingField,
    SettingsDef,
    ValidationError,
    changes_of,
    create_record,
    customer_group_column,
    customers_below,
    get_record,
    require_change,
    update_record,
    visible,
)
from kht.sales.orders.service import get_order
from kht.settings.service import get_settings
from plugins.key_account.models import (
    Account,
    Agreement,
    AgreementOrder,
    Consumption,
)
from plugins.key_account.schemas import (
    AccountCreate,
    AccountOut,
    AccountUpdate,
    AgreementCreate,
    AgreementOut,
    AgreementUpdate,
    ConsumptionCreate,
    ConsumptionOut,
    ConsumptionUpdate,
    Settings,
)

NAME = MODULE = "key_account"
ACCOUNT_KIND = "key_account"
AGREEMENT_KIND = "key_account_agreement"
CONSUMPTION_KIND = "key_account_consumption"
ON_CUSTOMER_TEAM = (("customer", "customer_id"),)
MAX_AMOUNT = Decimal("1e13")


# ---------------------------------------------------------------------------- settings


def _check_settings(ctx: Ctx, value: Settings) -> None:
    if value.class_b_pct < value.class_a_pct:
        raise ValidationError("class B's line must not be below class A's", "class_b_pct")


SETTINGS = SettingsDef(
    owner=NAME,
    schema=Settings,
    label_zh="大客户参数",
    label_en="Key account settings",
    modules=(MODULE,),
    icon="award",
    check=_check_settings,
    fields={
        "window_days": SettingField(
            label=N_("Revenue window (days)"),
            help=N_("Accounts are ranked by their revenue over this many days up to today."),
        ),
        "class_a_pct": SettingField(
            label=N_("Class A line (%)"),
            help=N_("Accounts making the first this percent of the total revenue are A."),
        ),
        "class_b_pct": SettingField(
            label=N_("Class B line (%)"),
            help=N_("Up to this percent of the total they are B, the rest C."),
        ),
        "churn_drop_pct": SettingField(
            label=N_("Churn drop (%)"),
            help=N_("Quarter-on-quarter revenue drop counted as a churn risk."),
        ),
    },
)


def settings(ctx: Ctx) -> Settings:
    """The pack's settings (kept by the core settings store; defaults until saved)."""
    return get_settings(ctx, NAME)


# ---------------------------------------------------------------------------- checks


def amount(value: Decimal | None, field: str, low: Decimal = Decimal(0)) -> None:
    """422 naming `field` unless `value` (when given) is a finite amount from `low` up."""
    if value is not None and (not value.is_finite() or not low <= value <= MAX_AMOUNT):
        raise ValidationError(f"an amount from {low} to {MAX_AMOUNT} is expected", field)


def customer_of(ctx: Ctx, customer_id: int) -> Any:
    """The customer, if the acting user can see it; otherwise 422 naming `customer_id`."""
    try:
        return get_customer(ctx, customer_id)
    except NotFound:
        raise ValidationError(f"customer {customer_id} not found", "customer_id") from None


# ---------------------------------------------------------------------------- accounts


def account_of_customer(ctx: Ctx, customer_id: int) -> Account | None:
    """The live key account of a customer (unscoped: callers show it under the customer's
    own scope), or None."""
    query = select(Account).where(Account.customer_id == customer_id, Account.deleted_at.is_(None))
    return ctx.session.scalar(query)


def create_account(ctx: Ctx, data: AccountCreate) -> Account:
    """Name a customer a key account by hand: flagged needs a reason; one account per
    customer (409). The key-account manager is the customer's owner."""
    customer = customer_of(ctx, data.customer_id)
    if data.flagged and not data.flag_reason.strip():
        raise ValidationError("say why this customer is a key account", "flag_reason")
    amount(data.estimated_budget, "estimated_budget")
    if ctx.session.scalar(select(Account.id).where(Account.customer_id == customer.id)):
        raise Conflict("this customer is a key account already", "customer_id")
    values = changes_of(data)
    return create_record(ctx, ACCOUNTS, values, owner_id=customer.owner_id)


def update_account(ctx: Ctx, account_id: int, data: AccountUpdate) -> Account:
    """Change the flag, its reason, the wallet estimate or the notes (figures are computed)."""
    account = get_record(ctx, ACCOUNTS, account_id)
    changes = changes_of(data)
    amount(changes.get("estimated_budget"), "estimated_budget")
    flagged = changes.get("flagged", account.flagged)
    if flagged and not str(changes.get("flag_reason", account.flag_reason)).strip():
        raise ValidationError("say why this customer is a key account", "flag_reason")
    return update_record(ctx, ACCOUNTS, account, data.version, changes)


def growth_pct(current: Decimal, previous: Decimal) -> Decimal | None:
    """Growth against the previous window in percent (one decimal), None without a base."""
    if not previous:
        return None
    return ((current - previous) * 100 / previous).quantize(Decimal("0.1"))


# ---------------------------------------------------------------------------- agreements


def _next_number(ctx: Ctx, day: date) -> str:
    prefix = f"KA{day:%Y}-"
    count = ctx.session.scalar(
        select(func.count()).select_from(Agreement).where(Agreement.number.like(f"{prefix}%"))
    )
    return f"{prefix}{(count or 0) + 1:04d}"


def _dates(start: date, end: date, notice_days: int) -> date:
    if end < start:
        raise ValidationError("the agreement ends before it starts", "end_date")
    return date.fromordinal(end.toordinal() - notice_days)


def create_agreement(ctx: Ctx, data: AgreementCreate) -> Agreement:
    """A new agreement with a customer the user can see; its notice date is the end date
    minus the notice period."""
    customer = customer_of(ctx, data.customer_id)
    amount(data.value, "value")
    values = changes_of(data)
    values["notice_date"] = _dates(data.start_date, data.end_date, data.notice_days)
    values["number"] = data.number or _next_number(ctx, ctx.today())
    if ctx.session.scalar(select(Agreement.id).where(Agreement.number == values["number"])):
        raise Conflict(f"agreement number {values['number']} is taken", "number")
    return create_record(ctx, AGREEMENTS, values, owner_id=customer.owner_id)


def update_agreement(ctx: Ctx, agreement_id: int, data: AgreementUpdate) -> Agreement:
    """Change an agreement; the notice date follows its (new) end and notice period."""
    agreement = get_record(ctx, AGREEMENTS, agreement_id)
    changes = changes_of(data)
    amount(changes.get("value"), "value")
    start = changes.get("start_date", agreement.start_date)
    end = changes.get("end_date", agreement.end_date)
    notice = _dates(start, end, changes.get("notice_days", agreement.notice_days))
    if notice != agreement.notice_date:
        changes["notice_date"] = notice
    return update_record(ctx, AGREEMENTS, agreement, data.version, changes)


# ---------------------------------------------------------------------------- consumption


def record_consumption(ctx: Ctx, data: ConsumptionCreate) -> Consumption:
    """A month's consumption of a product by a customer the user can see (the month is kept
    as its first day); an `external_id` already recorded is a 409."""
    customer = customer_of(ctx, data.customer_id)
    amount(data.amount, "amount", Decimal("-1e13"))
    amount(data.cost, "cost")
    if ctx.session.scalar(
        select(Consumption.id).where(Consumption.external_id == data.external_id)
    ):
        raise Conflict(f"consumption {data.external_id} is recorded already", "external_id")
    values = changes_of(data)
    values["month"] = data.month.replace(day=1)
    return create_record(ctx, CONSUMPTION, values, owner_id=customer.owner_id)


def update_consumption(ctx: Ctx, row_id: int, data: ConsumptionUpdate) -> Consumption:
    """Correct a consumption row's quantity, amount or cost."""
    row = get_record(ctx, CONSUMPTION, row_id)
    changes = changes_of(data)
    amount(changes.get("amount"), "amount", Decimal("-1e13"))
    amount(changes.get("cost"), "cost")
    return update_record(ctx, CONSUMPTION, row, data.version, changes)


# ---------------------------------------------------------------------------- declarations


def field_def(name: str, type_: str, zh: str, en: str, **more: Any) -> FieldDef:
    return FieldDef(name=name, type=type_, label_zh=zh, label_en=en, namespace="", **more)


def choices(*items: tuple[str, str, str]) -> tuple[Choice, ...]:
    return tuple(Choice(key=k, label_zh=zh, label_en=en) for k, zh, en in items)


CLASSES = choices(("A", "A 类", "A"), ("B", "B 类", "B"), ("C", "C 类", "C"))
AGREEMENT_TYPES = choices(
    ("framework", "框架协议", "Framework"),
    ("contract", "合同", "Contract"),
    ("service_level", "服务水平协议", "Service level"),
    ("price", "价格协议", "Price agreement"),
)
AGREEMENT_STATUSES = choices(
    ("draft", "草稿", "Draft"),
    ("active", "生效", "Active"),
    ("renewed", "已续签", "Renewed"),
    ("expired", "已到期", "Expired"),
    ("terminated", "已终止", "Terminated"),
)
RENEWAL_TERMS = choices(
    ("manual", "协商续签", "Renewed by agreement"),
    ("automatic", "自动续期", "Renews automatically"),
    ("none", "不续签", "No renewal"),
)

ACCOUNT_FIELDS = (
    field_def("customer_id", "number", "客户", "Customer", required=True),
    field_def("abc_class", "single_choice", "ABC 分类", "ABC class", choices=CLASSES),
    field_def("health", "number", "健康度", "Health"),
    field_def("revenue", "money", "贡献（滚动窗口）", "Contribution (window)"),
    field_def("previous_revenue", "money", "上一窗口贡献", "Previous window"),
    field_def("margin", "money", "毛利", "Margin"),
    field_def("quarter_revenue", "money", "近一季度", "Last quarter"),
    field_def("previous_quarter_revenue", "money", "上一季度", "Quarter before"),
    field_def("estimated_budget", "money", "预估年度预算（钱包）", "Estimated budget (wallet)"),
    field_def("flagged", "boolean", "手工指定为大客户", "Flagged as key account"),
    field_def("flag_reason", "text", "指定原因", "Reason"),
    field_def("class_since", "date", "分类起始", "Class since"),
    field_def("computed_on", "date", "计算日期", "Computed on"),
    field_def("notes", "long_text", "备注", "Notes"),
)
AGREEMENT_FIELDS = (
    field_def("number", "text", "协议编号", "Number"),
    field_def("customer_id", "number", "客户", "Customer", required=True),
    field_def("title", "text", "名称", "Title", required=True),
    field_def("agreement_type", "single_choice", "类型", "Type", choices=AGREEMENT_TYPES),
    field_def("status", "single_choice", "状态", "Status", choices=AGREEMENT_STATUSES),
    field_def("value", "money", "金额", "Value"),
    field_def("start_date", "date", "开始日期", "Start date", required=True),
    field_def("end_date", "date", "结束日期", "End date", required=True),
    field_def("notice_days", "number", "通知期（天）", "Notice period (days)"),
    field_def("notice_date", "date", "最迟通知日", "Notice date"),
    field_def("renewal_terms", "single_choice", "续签条款", "Renewal terms", choices=RENEWAL_TERMS),
    field_def("renewed_from_id", "number", "续期自", "Renews"),
    field_def("notes", "long_text", "备注", "Notes"),
)
CONSUMPTION_FIELDS = (
    field_def("external_id", "text", "外部编号", "External id", required=True),
    field_def("customer_id", "number", "客户", "Customer", required=True),
    field_def("month", "date", "月份", "Month", required=True),
    field_def("product", "text", "产品/服务", "Product or service", required=True),
    field_def("quantity", "number", "数量", "Quantity"),
    field_def("amount", "money", "金额", "Amount"),
    field_def("cost", "money", "成本", "Cost"),
)


def out_maker(schema: type) -> Any:
    def to_out(ctx: Ctx, record: Any, tags: list[str] | None = None) -> Any:
        names = (n for n in schema.__struct_fields__ if n not in ("ext", "tags"))
        values = {n: getattr(record, n) for n in names}
        return schema(**values, ext=record.ext or {}, tags=tags or [])

    return to_out


ACCOUNTS = RecordKind(
    kind=ACCOUNT_KIND,
    model=Account,
    module=MODULE,
    label_zh="大客户",
    label_en="Key accounts",
    plural="key-accounts",
    fields=ACCOUNT_FIELDS,
    searchable=("flag_reason", "notes"),
    default_sort="-revenue",
    team_parents=ON_CUSTOMER_TEAM,
    create_schema=AccountCreate,
    update_schema=AccountUpdate,
    out_schema=AccountOut,
    to_out=out_maker(AccountOut),
    create=create_account,
    update=update_account,
    inline_edit=False,
    pages=RecordPages(
        badge="abc_class",
        form_fields=("customer_id", "flagged", "flag_reason", "estimated_budget", "notes"),
        list_filters=("abc_class", "flagged"),
    ),
)
AGREEMENTS = RecordKind(
    kind=AGREEMENT_KIND,
    model=Agreement,
    module=MODULE,
    label_zh="大客户协议",
    label_en="Agreements",
    plural="key-account-agreements",
    fields=AGREEMENT_FIELDS,
    searchable=("number", "title", "notes"),
    default_sort="end_date",
    team_parents=ON_CUSTOMER_TEAM,
    create_schema=AgreementCreate,
    update_schema=AgreementUpdate,
    out_schema=AgreementOut,
    to_out=out_maker(AgreementOut),
    create=create_agreement,
    update=update_agreement,
    inline_edit=False,
    pages=RecordPages(
        badge="status",
        subtitle="number",
        form_fields=(
            "customer_id",
            "title",
            "agreement_type",
            "status",
            "value",
            "start_date",
            "end_date",
            "notice_days",
            "renewal_terms",
            "notes",
        ),
        list_filters=("status", "agreement_type", "renewal_terms"),
    ),
)
CONSUMPTION = RecordKind(
    kind=CONSUMPTION_KIND,
    model=Consumption,
    module=MODULE,
    label_zh="大客户消费",
    label_en="Account consumption",
    plural="key-account-consumption",
    fields=CONSUMPTION_FIELDS,
    searchable=("external_id", "product"),
    default_sort="-month",
    team_parents=ON_CUSTOMER_TEAM,
    create_schema=ConsumptionCreate,
    update_schema=ConsumptionUpdate,
    out_schema=ConsumptionOut,
    to_out=out_maker(ConsumptionOut),
    create=record_consumption,
    update=update_consumption,
    inline_edit=False,
    more_columns=lambda ctx: [customer_group_column(Consumption.customer_id)],
    pages=RecordPages(list_filters=("product", "month")),
)


def renewals_due(ctx: Ctx, days: int = 90) -> list[Agreement]:
    """Active agreements in the user's scope whose notice date falls from today to `days`
    ahead, or has passed while they are still active: soonest first."""
    if not 0 <= days <= 730:
        raise ValidationError("look 0 to 730 days ahead", "days")
    last = date.fromordinal(ctx.today().toordinal() + days)
    query = visible(ctx, AGREEMENTS).where(
        Agreement.status == "active", Agreement.notice_date <= last
    )
    return list(ctx.session.scalars(query.order_by(Agreement.notice_date, Agreement.id)))


def link_order(ctx: Ctx, agreement_id: int, order_id: int) -> AgreementOrder:
    """Record that an order was placed under an agreement: the user must be able to change
    the agreement and see the order, which must be the same customer's (or a company's
    below it); linking twice is a 409."""
    agreement = get_record(ctx, AGREEMENTS, agreement_id)
    require_change(ctx, AGREEMENTS, agreement)
    try:
        order = get_order(ctx, order_id)
    except NotFound:
        raise ValidationError(f"order {order_id} not found", "order_id") from None
    if order.customer_id not in set(ctx.session.scalars(customers_below(agreement.customer_id))):
        raise ValidationError("the order is another customer's", "order_id")
    link = select(AgreementOrder.id).where(
        AgreementOrder.agreement_id == agreement.id, AgreementOrder.order_id == order.id
    )
    if ctx.session.scalar(link):
        raise Conflict("the order is linked already", "order_id")
    row = AgreementOrder(agreement_id=agreement.id, order_id=order.id)
    ctx.session.add(row)
    ctx.session.flush()
    return row


def linked_orders(ctx: Ctx, agreement_id: int) -> list[int]:
    """Ids of the orders placed under an agreement that the user can see."""
    agreement = get_record(ctx, AGREEMENTS, agreement_id)
    query = select(AgreementOrder.order_id).where(AgreementOrder.agreement_id == agreement.id)
    return [i for i in sorted(ctx.session.scalars(query)) if _sees_order(ctx, i)]


def _sees_order(ctx: Ctx, order_id: int) -> bool:
    try:
        get_order(ctx, order_id)
    except NotFound:
        return False
    return True
