"""The benchmarks keep working: a 1,000-customer database, every operation a few times, and the
io and load commands once at a tiny size.

Runs on SQLite only (a temporary file), whatever KHT_TEST_DATABASE_URL says: the point is that
the generator, the runner, the import/export and the load test still fit kht's schema, API and
CLI, not the figures.
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import create_engine, func, select

from bench.__main__ import main
from bench.generate import complete, counts, ensure_database

OPERATIONS = 19
N = 1000


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    """One generated database for the module (generating takes most of the time)."""
    folder = tmp_path_factory.mktemp("bench-cache")
    ensure_database(N, 1, "sqlite", folder, log=lambda _: None)
    return folder


def _sales_figures(url: str) -> tuple:
    from kht.sales.opportunities.models import Opportunity, OpportunityStageChange

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return (
                connection.scalar(select(func.sum(Opportunity.version))),
                connection.scalar(select(func.sum(Opportunity.stage_id))),
                connection.scalar(select(func.count()).select_from(OpportunityStageChange)),
            )
    finally:
        engine.dispose()


def test_generator_builds_a_database_with_the_expected_rows_and_reuses_it(cache):
    url = ensure_database(N, 1, "sqlite", cache, log=pytest.fail)  # no second generation

    found = counts(url)
    assert complete(found, N)
    assert found["opportunities"] == N and found["orders"] == N // 10
    assert found["opportunity_stage_history"] >= N


def test_generated_opportunities_carry_what_the_services_would_give_them(cache):
    from kht.sales.opportunities.models import Opportunity, OpportunityStageChange
    from kht.sales.processes.models import ProcessStage

    url = ensure_database(N, 1, "sqlite", cache, log=pytest.fail)
    engine = create_engine(url)
    o, h, s = Opportunity, OpportunityStageChange, ProcessStage
    with engine.connect() as connection:
        mismatched = connection.scalar(
            select(func.count())
            .select_from(o)
            .join(s, s.id == o.stage_id)
            .where((o.probability != s.probability) | (o.status != s.outcome))
        )
        open_stays = connection.scalar(
            select(func.count()).select_from(h).where(h.left_at.is_(None))
        )
        closed_without_date = connection.scalar(
            select(func.count()).where(o.status != "open", o.closed_at.is_(None))
        )
    engine.dispose()

    assert mismatched == 0
    assert open_stays == N  # exactly the current stay of each opportunity is still going
    assert closed_without_date == 0


def test_runner_reports_every_operation_with_numbers_and_leaves_the_data_as_it_was(
    cache, tmp_path, capsys
):
    out = tmp_path / "latest.json"
    args = ["--n", str(N), "--reps", "2", "--warmup", "1", "--cache", str(cache)]
    url = ensure_database(N, 1, "sqlite", cache, log=pytest.fail)
    before = _sales_figures(url)

    main([*args, "--out", str(out)])

    report = json.loads(out.read_text(encoding="utf-8"))
    (result,) = report["results"]
    assert len(result["operations"]) == OPERATIONS
    for op in result["operations"]:
        for side in ("kht", "bare"):
            assert op[side]["median_ms"] > 0 and op[side]["p95_ms"] > 0
        assert op["ratio_median"] > 0
    printed = capsys.readouterr().out
    assert all(op["name"] in printed for op in result["operations"])
    assert report["machine"]["nproc"] >= 1
    assert complete(counts(url), N)
    assert _sales_figures(url) == before  # the stage moves were undone


def test_io_and_load_commands_run_and_merge_into_the_results(cache, tmp_path):
    out = tmp_path / "latest.json"
    out.write_text(json.dumps({"results": [{"backend": "sqlite", "customers": 7}]}), "utf-8")
    common = ["--n", str(N), "--cache", str(cache), "--out", str(out)]

    main(["io", *common, "--rows", "40", "--formats", "csv", "--quick"])
    main(["load", *common, "--seconds", "0.5", "--workers", "1", "--threads", "2"])

    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["results"] == [{"backend": "sqlite", "customers": 7}]  # kept
    (io,) = report["io"]
    (imported,) = io["import"]
    assert imported["kht"]["rows"] == 40 and imported["raw"]["rows"] == 40
    assert imported["kht"]["peak_mb"] > 0 and io["export"]["kht"]["rows"] == N
    (load,) = report["load"]
    (run,) = load["runs"]
    assert run["kht"]["requests"] > 0 and run["bare"]["requests"] > 0
    assert run["kht"]["errors"] == 0 and run["bare"]["errors"] == 0
    assert complete(counts(ensure_database(N, 1, "sqlite", cache, log=pytest.fail)), N)
