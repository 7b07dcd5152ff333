"""The pack's entries in the report catalogue (category `promotion`), declared as data over
the list columns of outlets, visits, audit values and promotions: visit coverage and
frequency by territory, plan attainment, rep discipline, promotion cost against uplift by
region and mechanic, competitor presence, prices and activity (by territory, region, month),
out-of-stock rate, prices against competitors."""

from __future__ import annotations

from functools import partial

from kht.plugin_api import ReportMeasure, report

visits = partial(report, "promotion_visit", "promotion")
outlets = partial(report, "promotion_outlet", "promotion")
audits = partial(report, "promotion_audit_value", "promotion")
promotions = partial(report, "promotion_promotion", "promotion")
sightings = partial(report, "promotion_competitor_observation", "promotion")


def _m(key: str, zh: str, en: str, *filters: str, **more: str) -> ReportMeasure:
    return ReportMeasure(key=key, label_zh=zh, label_en=en, filters=filters, **more)


def _ratio(key: str, zh: str, en: str, numerator: str, denominator: str) -> ReportMeasure:
    return ReportMeasure(
        key=key, label_zh=zh, label_en=en, agg="ratio", numerator=numerator, denominator=denominator
    )


DONE = _m("done", "已完成拜访", "Visits done", "status:eq:done")
OUTLETS_VISITED = _m(
    "outlets", "覆盖网点", "Outlets visited", "status:eq:done", agg="distinct", field="outlet_id"
)
PLANNED = _m("planned", "计划拜访", "Planned visits", "unplanned:eq:false")
PLANNED_DONE = _m(
    "planned_done", "按计划完成", "Planned and done", "unplanned:eq:false", "status:eq:done"
)
ON_TIME = _m("on_time", "准时", "On time", "on_time:eq:true")
IN_RADIUS = _m("in_radius", "在范围内", "In radius", "in_radius:eq:true")
AUDITED = _m("audited", "完成检查", "Audited", "audited:eq:true")
MINUTES = ReportMeasure(
    key="minutes", label_zh="平均在店分钟", label_en="Avg minutes in store", agg="avg",
    field="minutes_in_store",
)  # fmt: skip
SEEN = _m("seen", "观察次数", "Observations")
PRESENT = _m("present", "在售次数", "Present", "present:eq:true")
OUTLETS_SEEN = _m(
    "outlets", "在售网点", "Outlets with it", "present:eq:true", agg="distinct", field="outlet_id"
)
PRICE_SEEN = ReportMeasure(
    key="price", label_zh="平均价格", label_en="Average price", agg="avg", field="price",
    filters=("present:eq:true",),
)  # fmt: skip
SHARE_SEEN = ReportMeasure(
    key="share", label_zh="平均排面占比%", label_en="Avg shelf share %", agg="avg",
    field="shelf_share", filters=("present:eq:true",),
)  # fmt: skip
OOS = _m("oos", "缺货次数", "Found out of stock", "flag:eq:true")
CHECKS = _m("checks", "检查次数", "Checks")

REPORTS = [
    visits(
        "promotion.coverage_by_territory",
        "片区拜访覆盖与频次",
        "Visit coverage and frequency by territory",
        "territory_id",
        measures=(DONE, OUTLETS_VISITED),
        filters=("planned_on:gte:today-30",),
        description_zh="近30天各片区完成拜访数与覆盖网点数（拜访数/网点数即频次）",
        description_en="Visits done and outlets visited per territory, last 30 days",
    ),
    outlets(
        "promotion.outlets_by_territory",
        "片区网点数（按等级）",
        "Outlets per territory and grade",
        "territory_id",
        "grade",
        chart="stacked",
    ),
    visits(
        "promotion.plan_attainment",
        "拜访计划达成",
        "Visit plan attainment",
        "owner_id",
        measures=(
            PLANNED,
            PLANNED_DONE,
            _ratio("rate", "达成率%", "Attainment %", "planned_done", "planned"),
        ),
        filters=("planned_on:gte:today-30",),
    ),
    visits(
        "promotion.rep_discipline",
        "业代执行纪律",
        "Rep discipline",
        "owner_id",
        measures=(
            DONE,
            ON_TIME,
            _ratio("on_time_rate", "准时率%", "On-time %", "on_time", "done"),
            IN_RADIUS,
            _ratio("in_radius_rate", "在范围率%", "In-radius %", "in_radius", "done"),
            MINUTES,
            AUDITED,
        ),
        filters=("planned_on:gte:today-30",),
        chart="table",
    ),
    visits(
        "promotion.discipline_by_team",
        "团队执行纪律",
        "Discipline by team",
        "owner_id:department",
        measures=(
            PLANNED,
            PLANNED_DONE,
            _ratio("rate", "达成率%", "Attainment %", "planned_done", "planned"),
        ),
        filters=("planned_on:gte:today-30",),
    ),
    promotions(
        "promotion.cost_vs_uplift",
        "促销费用与增量（按区域、形式）",
        "Promotion cost vs uplift by region and mechanic",
        "territory_id",
        "mechanic",
        measures=(
            ReportMeasure(
                key="budget", label_zh="预算", label_en="Budget", agg="sum", field="budget"
            ),
            ReportMeasure(
                key="cost",
                label_zh="已批费用",
                label_en="Approved cost",
                agg="sum",
                field="cost_approved",
            ),
            ReportMeasure(
                key="uplift",
                label_zh="平均增量%",
                label_en="Avg uplift %",
                agg="avg",
                field="uplift_pct",
            ),
        ),
        chart="table",
    ),
    sightings(
        "promotion.competitor_presence",
        "竞品铺货（按片区、月份）",
        "Competitor presence by territory and month",
        "territory_id",
        "observed_on:month",
        measures=(
            SEEN,
            PRESENT,
            _ratio("rate", "在售率%", "Present %", "present", "seen"),
            OUTLETS_SEEN,
        ),
        chart="table",
        description_zh="各片区每月竞品观察次数、在售次数、在售率与在售网点数",
        description_en="Competitor sightings per territory and month: checks, present, rate",
    ),
    sightings(
        "promotion.competitor_price",
        "竞品价格与排面（按对手、月份）",
        "Competitor prices and shelf share by month",
        "competitor_id",
        "observed_on:month",
        measures=(PRICE_SEEN, SHARE_SEEN),
        chart="line",
        description_zh="各竞争对手每月在售时的平均终端价格与平均排面占比",
        description_en="Each competitor's average shelf price and shelf share, month by month",
    ),
    sightings(
        "promotion.competitor_activity",
        "竞品活动（按区域）",
        "Competitor activity by region",
        "region_id",
        "activity",
        measures=(SEEN,),
        filters=("activity:in:promotion,new_product,display",),
        chart="stacked",
        description_zh="各区域观察到的竞品促销、新品与陈列活动",
        description_en="Competitor promotions, new products and displays seen, per region",
    ),
    audits(
        "promotion.out_of_stock",
        "缺货率（按片区）",
        "Out-of-stock rate by territory",
        "territory_id",
        measures=(CHECKS, OOS, _ratio("rate", "缺货率%", "Out-of-stock %", "oos", "checks")),
        filters=("metric:eq:out_of_stock",),
    ),
    audits(
        "promotion.price_by_sku",
        "终端价格：本品与竞品",
        "Shelf prices: ours and competitors'",
        "sku",
        "own",
        measures=(
            ReportMeasure(
                key="price",
                label_zh="平均价格",
                label_en="Average price",
                agg="avg",
                field="number",
            ),
        ),
        filters=("metric:eq:price",),
        chart="table",
    ),
    audits(
        "promotion.shelf_share",
        "排面占比（按品牌）",
        "Shelf facings by brand",
        "brand",
        measures=(
            ReportMeasure(
                key="facings", label_zh="排面", label_en="Facings", agg="sum", field="number"
            ),
        ),
        filters=("metric:eq:facings",),
        chart="pie",
    ),
]
