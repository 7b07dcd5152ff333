"""Hook implementations of the Project sales pack (项目型销售): only wiring, no business rules.

Built as a third party would (tests/plugins/test_public_api.py checks): projects are
opportunities with the pack's fields in the pack's process (kht_register_fields,
kht_register_processes), gated by the scorecard, the committee and the documents
(kht_gate_problems); the scorecard is also the project value model
(kht_register_value_models); the team is the core's record team.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kht.plugin_api import (
    ActionLogged,
    Ctx,
    FieldDef,
    Panel,
    Permission,
    PluginInfo,
    Problem,
    ProcessDef,
    RecordCreated,
    RecordDeleted,
    RecordKind,
    RecordRestored,
    RecordUpdated,
    StageChanged,
    ValueModel,
    hookimpl,
)
from plugins.project_sales.defs import NAME

CRITERION = "project_sales_criterion"  # the criteria's record kind (criteria.py)
CRITERION_EVENTS = (RecordCreated, RecordUpdated, RecordDeleted, RecordRestored)

HERE = Path(__file__).parent


@hookimpl
def kht_register_plugin() -> PluginInfo:
    return PluginInfo(
        name=NAME,
        label_zh="项目型销售",
        label_en="Project sales",
        version="0.2.0",
        migrations=HERE / "migrations",
        templates=HERE / "templates",
        static=HERE / "static",
        description_zh="立项评分卡、采购决策链、阶段关卡、团队协同、项目文档、竞争对手与赢输分析",
        description_en="Scorecards, the buying committee, gated stages, team selling, "
        "documents, competitors and win/loss",
    )


@hookimpl
def kht_register_models() -> list[type]:
    from plugins.project_sales.models import MODELS

    return MODELS


@hookimpl
def kht_register_record_kinds() -> list[RecordKind]:
    """The scorecard's criteria: list, form and API pages from the core."""
    from plugins.project_sales.criteria import CRITERIA

    return [CRITERIA]


@hookimpl
def kht_register_fields(kind: str) -> list[FieldDef] | None:
    from plugins.project_sales.defs import FIELDS

    return FIELDS if kind == "opportunity" else None


@hookimpl
def kht_register_columns(kind: str, columns: dict[str, Any]) -> list[Any] | None:
    """Stalled since, decision makers met, scorecard at close: what the reports group by."""
    if kind != "opportunity":
        return None
    from plugins.project_sales.columns import project_columns

    return project_columns(columns)


@hookimpl
def kht_register_processes() -> list[ProcessDef]:
    from plugins.project_sales.defs import PROJECT_PROCESS

    return [PROJECT_PROCESS]


@hookimpl
def kht_register_permissions() -> list[Permission]:
    # The pack's own module guards its settings (criteria, weights, the gate's minimum) and
    # its reports; project data follows the opportunity's own rights.
    return [
        Permission(
            module=NAME,
            label_zh="项目型销售设置",
            label_en="Project sales settings",
            default_grants={
                "sales_manager": {"ops": ["view", "export"], "scope": "department_tree"},
                "sales_rep": {"ops": ["view"], "scope": "own"},
                "executive": {"ops": ["view", "export"], "scope": "all"},
            },
        )
    ]


@hookimpl
def kht_register_value_models() -> list[ValueModel]:
    from plugins.project_sales.scorecard import project_value

    return [
        ValueModel(
            key=f"{NAME}.scorecard",
            kind="opportunity",
            label_zh="项目评分卡",
            label_en="Project scorecard",
            compute=project_value,
            description_zh="各评估项 0-5 分按权重加权，满分 100",
            description_en="Each criterion 0-5, weighted, out of 100",
            # It reads no field of the opportunity, only the pack's scores and criteria:
            # an edit or an action does not move it; scoring and a criterion's change
            # rescore (plugins.project_sales.scorecard).
            inputs=(),
        )
    ]


@hookimpl
def kht_register_reports() -> list[Any]:
    from plugins.project_sales.report_defs import REPORTS

    return REPORTS


@hookimpl
def kht_gate_problems(ctx: Ctx, kind: str, record: Any, stage: Any) -> list[str] | None:
    from plugins.project_sales.gates import problems

    return problems(ctx, kind, record, stage)


@hookimpl
def kht_on_schema_ready(ctx: Ctx) -> None:
    from plugins.project_sales.scorecard import seed

    seed(ctx)


@hookimpl
def kht_on_event(ctx: Ctx, event: Any) -> None:
    """An action logged on a contact counts as contact for every committee they sit on; a
    project closed (or reopened) by any path records (or drops) its outcome."""
    if isinstance(event, ActionLogged) and event.kind == "contact":
        from plugins.project_sales.committee import contacted

        contacted(ctx, event.record_id)
    elif getattr(event, "kind", "") == CRITERION and isinstance(event, CRITERION_EVENTS):
        from plugins.project_sales.scorecard import rescore_all

        rescore_all(ctx)  # a weight changed, a criterion came or went: every total may move
    elif isinstance(event, StageChanged) and event.kind == "opportunity":
        from plugins.project_sales.closing import stage_changed

        stage_changed(ctx, event)


@hookimpl
def kht_validate(ctx: Ctx, kind: str, record: Any, changes: dict) -> list[Problem] | None:
    """A project closes with a listed reason whatever the path (the pack's close, the core's
    close form, API or board): a loss needs one of the loss reasons, a win's is listed."""
    if kind == CRITERION:
        from plugins.project_sales.criteria import problems

        return problems(ctx, record, changes)
    if kind != "opportunity" or record is None:
        return None
    from plugins.project_sales.closing import close_problems

    return close_problems(ctx, record, changes)


@hookimpl
def kht_record_close_form(ctx: Ctx, kind: str, record: Any) -> Panel | None:
    """On a project's page the pack's close form (listed reason, winner) is the only one."""
    if kind != "opportunity" or ctx.user is None:
        return None
    from plugins.project_sales.views import close_panel

    return close_panel(ctx, record)


@hookimpl
def kht_register_routes() -> list[Any]:
    from plugins.project_sales.api import ROUTES as API
    from plugins.project_sales.views import ROUTES

    return [*API, *ROUTES]


@hookimpl
def kht_record_panels(ctx: Ctx, kind: str, record: Any) -> list[Panel] | None:
    """The scorecard, the committee (with its chart), the documents and the competitors on a
    project's page (an opportunity in the pack's process)."""
    if kind != "opportunity" or ctx.user is None:
        return None
    from plugins.project_sales.views import project_panels

    return project_panels(ctx, record)


@hookimpl(trylast=True)
def kht_demo_data(ctx: Ctx) -> None:
    """华信智联's dozen projects (after the core's demo users and competitors)."""
    from plugins.project_sales.demo import load

    load(ctx)
