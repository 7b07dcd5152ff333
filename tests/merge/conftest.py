"""Fixtures: the shared sales team of tests/team.py, and records of any kind."""

from typing import Any

from kht import record_service as records
from tests.team import Team, build_team, team  # noqa: F401, F811


def add_record(
    team: Team,  # noqa: F811 - the Team object, not the fixture
    login: str,
    record_kind: str,
    model: Any,
    module: str,
    /,
    **values: Any,
) -> int:
    """A record of any kind, created through the record service as `login` (its owner)."""
    from kht.plugin_types import RecordKind

    spec = RecordKind(
        kind=record_kind, model=model, module=module, label_zh=record_kind, label_en=record_kind
    )
    with team.ctx(login) as ctx:
        return records.create_record(ctx, spec, values).id
