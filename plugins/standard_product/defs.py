"""What the pack contributes at start-up: the standard sales process and the quote template."""

from __future__ import annotations

from pathlib import Path

from kht.plugin_api import ProcessDef, QuoteTemplateDef, StageDef

PROCESS_KEY = "standard_product.standard_sale"
TEMPLATE_KEY = "standard_product.service_promise"

STANDARD_SALE = ProcessDef(
    key=PROCESS_KEY,
    name_zh="标准产品销售流程",
    name_en="Standard product sale",
    description="Qualify, find the needs, demonstrate, quote (after a meeting), negotiate, close.",
    stages=(
        StageDef(key="qualify", name_zh="资格确认", name_en="Qualify", probability=10),
        StageDef(key="needs", name_zh="需求分析", name_en="Needs analysis", probability=25),
        StageDef(
            key="demo", name_zh="产品介绍/演示", name_en="Introduction / demo", probability=40
        ),
        StageDef(
            key="quote",
            name_zh="报价",
            name_en="Quote",
            probability=60,
            required_actions=("meeting",),
            required_fields=("amount",),
        ),
        StageDef(key="negotiation", name_zh="商务谈判", name_en="Negotiation", probability=80),
        StageDef(key="won", name_zh="赢单", name_en="Won", probability=100, outcome="won"),
        StageDef(key="lost", name_zh="输单", name_en="Lost", probability=0, outcome="lost"),
    ),
)

SERVICE_TERMS = (
    "1. 质保：整机自验收合格之日起保修12个月，保修期内非人为损坏免费维修或更换。\n"
    "   Warranty: 12 months from acceptance; defects not caused by misuse are repaired or "
    "replaced free of charge.\n"
    "2. 交货：合同生效且收到预付款后30天内交货，运费由供方承担。\n"
    "   Delivery: within 30 days of the contract taking effect and the advance payment, "
    "freight paid by the supplier.\n"
    "3. 安装与培训：供方负责免费安装调试，并为操作人员提供一次现场培训。\n"
    "   Installation and training: installation and commissioning free of charge, plus one "
    "on-site training for operators.\n"
    "4. 服务响应：接到报修后4小时内响应，48小时内到达现场（偏远地区另议）。\n"
    "   Service response: within 4 hours of a call, on site within 48 hours (remote areas by "
    "agreement).\n"
    "5. 付款：合同签订后预付30%，验收合格后付清余款。\n"
    "   Payment: 30% on signing, the rest on acceptance."
)

# The sandboxed Jinja layout (variables: quote, lines, customer, contact, owner, company).
SERVICE_PROMISE_BODY = (
    Path(__file__).parent / "templates" / "standard_product" / "quote_service_promise.html"
).read_text("utf-8")

SERVICE_PROMISE = QuoteTemplateDef(
    key=TEMPLATE_KEY,
    name="标准产品报价（含服务承诺） Standard product quote with service promise",
    body=SERVICE_PROMISE_BODY,
    terms=SERVICE_TERMS,
)
