"""The orders module's reports: revenue by period, rep, customer; and payments received."""

from __future__ import annotations

from functools import partial

from kht.plugin_types import ReportDimension, ReportMeasure, report

orders = partial(report, "order", "orders")
payments = partial(report, "order", "payments")
VALID = "status:ne:cancelled"
COUNT = ReportMeasure(key="count", label_zh="订单数", label_en="Orders")
REVENUE = ReportMeasure(
    key="revenue", label_zh="销售额", label_en="Revenue", agg="sum", field="total"
)
PAID = ReportMeasure(
    key="paid", label_zh="已回款", label_en="Received", agg="sum", field="paid_total"
)
COLLECTION = (
    REVENUE,
    PAID,
    ReportMeasure(
        key="rate",
        label_zh="回款率%",
        label_en="Collected %",
        agg="ratio",
        numerator="paid",
        denominator="revenue",
    ),
)
AVERAGE = ReportMeasure(
    key="avg", label_zh="平均订单额", label_en="Average order", agg="avg", field="total"
)

REPORTS = [
    orders(
        "orders.revenue_by_group",
        "各集团客户销售额",
        "Revenue per group company",
        "customer_group_id",
        filters=(VALID,),
        measures=(COUNT, REVENUE),
    ),
    orders(
        "orders.revenue_month",
        "每月销售额",
        "Revenue per month",
        "order_date:month",
        filters=(VALID,),
        measures=(COUNT, REVENUE),
        chart="line",
    ),
    orders(
        "orders.revenue_quarter",
        "每季度销售额",
        "Revenue per quarter",
        "order_date:quarter",
        filters=(VALID,),
        measures=(COUNT, REVENUE),
    ),
    orders(
        "orders.revenue_year",
        "每年销售额",
        "Revenue per year",
        "order_date:year",
        filters=(VALID,),
        measures=(COUNT, REVENUE),
    ),
    orders(
        "orders.revenue_by_owner",
        "各销售业绩",
        "Revenue per rep",
        "owner_id",
        filters=(VALID,),
        measures=(COUNT, REVENUE, AVERAGE),
    ),
    orders(
        "orders.revenue_by_department",
        "各部门业绩",
        "Revenue per department",
        "owner_id:department",
        filters=(VALID,),
        measures=(COUNT, REVENUE),
    ),
    orders(
        "orders.revenue_by_division",
        "各事业部业绩",
        "Revenue per division",
        "owner_id:department_tree",
        filters=(VALID,),
        measures=(COUNT, REVENUE),
        chart="pie",
    ),
    orders(
        "orders.revenue_by_customer",
        "客户价值（累计销售额）",
        "Customer value (revenue to date)",
        "customer_id",
        filters=(VALID,),
        measures=(COUNT, REVENUE, AVERAGE),
    ),
    orders(
        "orders.by_status",
        "订单状态",
        "Orders by status",
        "status",
        measures=(COUNT, REVENUE),
        chart="pie",
    ),
    orders(
        "orders.by_size",
        "订单金额分布",
        "Orders by size",
        ReportDimension(field="total", bucket="range", ranges=(10000, 50000, 100000, 500000)),
        filters=(VALID,),
        measures=(COUNT, REVENUE),
    ),
    orders(
        "orders.owner_by_month",
        "各销售每月业绩",
        "Revenue per rep and month",
        "order_date:month",
        "owner_id",
        filters=(VALID,),
        measures=(REVENUE,),
        chart="stacked",
    ),
    orders(
        "orders.discount_by_owner",
        "各销售订单折扣",
        "Order discounts per rep",
        "owner_id",
        filters=(VALID,),
        measures=(
            REVENUE,
            ReportMeasure(
                key="discount",
                label_zh="折扣",
                label_en="Discount",
                agg="sum",
                field="discount_total",
            ),
        ),
    ),
    orders(
        "orders.customers_per_month",
        "每月下单客户数",
        "Ordering customers per month",
        "order_date:month",
        filters=(VALID,),
        measures=(
            COUNT,
            ReportMeasure(
                key="customers",
                label_zh="客户数",
                label_en="Customers",
                agg="distinct",
                field="customer_id",
            ),
        ),
        chart="line",
    ),
    # ---- payments: what came in against the orders
    payments(
        "payments.collection_month",
        "每月回款率",
        "Collection per month of order",
        "order_date:month",
        filters=(VALID,),
        measures=COLLECTION,
        chart="line",
    ),
    payments(
        "payments.collection_by_owner",
        "各销售回款",
        "Collection per rep",
        "owner_id",
        filters=(VALID,),
        measures=COLLECTION,
    ),
    payments(
        "payments.collection_by_department",
        "各部门回款",
        "Collection per department",
        "owner_id:department",
        filters=(VALID,),
        measures=COLLECTION,
    ),
    payments(
        "payments.receivables_by_customer",
        "各客户应收",
        "Receivables per customer",
        "customer_id",
        filters=(VALID,),
        measures=COLLECTION,
    ),
    payments(
        "payments.unpaid_by_owner",
        "未回款订单",
        "Orders with nothing received",
        "owner_id",
        filters=(VALID, "paid_total:eq:0"),
        measures=(COUNT, REVENUE),
    ),
    payments(
        "payments.old_unpaid",
        "90天前下单仍未回款",
        "Unpaid orders placed over 90 days ago",
        "customer_id",
        filters=(VALID, "paid_total:eq:0", "order_date:lt:today-90"),
        measures=(COUNT, REVENUE),
    ),
    payments(
        "payments.collection_quarter",
        "每季度回款",
        "Collection per quarter",
        "order_date:quarter",
        filters=(VALID,),
        measures=COLLECTION,
    ),
]
