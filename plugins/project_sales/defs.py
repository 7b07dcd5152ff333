"""What the pack contributes at start-up: the project fields on opportunities, the default
project process, the default scorecard criteria."""

from __future__ import annotations

from kht.plugin_api import Choice, FieldDef, ProcessDef, StageDef

NAME = "project_sales"
PROCESS_KEY = "project_sales.project"

PROJECT_TYPES = (
    Choice(key="system_integration", label_zh="系统集成", label_en="System integration"),
    Choice(key="equipment", label_zh="专业设备", label_en="Professional equipment"),
    Choice(key="engineering", label_zh="工程", label_en="Engineering"),
    Choice(key="consulting", label_zh="咨询", label_en="Consulting"),
    Choice(key="software", label_zh="软件开发", label_en="Software development"),
    Choice(key="advertising", label_zh="广告", label_en="Advertising"),
)
YES_NO = (
    Choice(key="yes", label_zh="已确认", label_en="Confirmed"),
    Choice(key="no", label_zh="未确认", label_en="Not confirmed"),
)

FIELDS = [
    FieldDef(
        name="project_type",
        type="single_choice",
        label_zh="项目类型",
        label_en="Project type",
        choices=PROJECT_TYPES,
    ),
    FieldDef(
        name="budget_confirmed",
        type="single_choice",
        label_zh="预算已确认",
        label_en="Budget confirmed",
        choices=YES_NO,
    ),
    FieldDef(name="decision_date", type="date", label_zh="决策日期", label_en="Decision date"),
    FieldDef(name="tender_number", type="text", label_zh="招标编号", label_en="Tender / RFP no."),
    FieldDef(
        name="tender_published", type="date", label_zh="招标发布日期", label_en="Tender published"
    ),
    FieldDef(name="bid_due", type="date", label_zh="投标截止日期", label_en="Bid due"),
    FieldDef(
        name="delivery_scope", type="long_text", label_zh="交付范围", label_en="Delivery scope"
    ),
]

# Stage keys whose gates the pack adds to (plugins.project_sales.gates): leaving
# qualification needs the minimum scorecard and a decision maker on the committee, leaving
# the proposal a proposal document (the visit is the core's required action).
QUALIFY, PROPOSAL = "qualify", "proposal"

PROJECT_PROCESS = ProcessDef(
    key=PROCESS_KEY,
    name_zh="项目型销售流程",
    name_en="Project sale",
    description="Qualify (scorecard, decision maker), design the solution, propose "
    "(proposal uploaded, visit or presentation), negotiate, close.",
    stages=(
        StageDef(key=QUALIFY, name_zh="立项评估", name_en="Qualification", probability=10),
        StageDef(key="solution", name_zh="方案设计", name_en="Solution design", probability=30),
        StageDef(
            key=PROPOSAL,
            name_zh="方案建议/投标",
            name_en="Proposal",
            probability=50,
            required_actions=("visit",),
        ),
        StageDef(key="negotiation", name_zh="商务谈判", name_en="Negotiation", probability=75),
        StageDef(key="won", name_zh="赢单", name_en="Won", probability=100, outcome="won"),
        StageDef(key="lost", name_zh="输单", name_en="Lost", probability=0, outcome="lost"),
    ),
)

# key, label zh/en, weight, guidance zh/en (what 0 and 5 mean)
CRITERIA = (
    (
        "fit",
        "匹配度",
        "Fit",
        2,
        "0=我们做不了；5=正是我们最擅长的",
        "0 = not what we do; 5 = our sweet spot",
    ),
    (
        "budget",
        "预算",
        "Budget",
        2,
        "0=没有预算；5=预算已批准且足够",
        "0 = no budget; 5 = approved and enough",
    ),
    (
        "authority",
        "决策权",
        "Authority",
        2,
        "0=不知道谁拍板；5=决策人支持我们",
        "0 = decider unknown; 5 = decider backs us",
    ),
    (
        "need",
        "需求",
        "Need",
        2,
        "0=没有痛点；5=紧迫且明确的需求",
        "0 = no pain; 5 = urgent, clear need",
    ),
    (
        "timing",
        "时间",
        "Timing",
        1,
        "0=没有时间表；5=本季度决策",
        "0 = no timeline; 5 = deciding this quarter",
    ),
    (
        "competition",
        "竞争",
        "Competition",
        1,
        "0=对手已锁定；5=没有强对手",
        "0 = a rival has it locked; 5 = no strong rival",
    ),
    (
        "relationship",
        "关系",
        "Relationship",
        1,
        "0=没有关系；5=多层次的信任关系",
        "0 = nobody knows us; 5 = trusted at every level",
    ),
)
