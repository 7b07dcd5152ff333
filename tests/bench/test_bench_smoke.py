"""The benchmarks keep working: a 1,000-customer database and a few repetitions of each operation.

Runs on SQLite only (a temporary file), whatever KHT_TEST_DATABASE_URL says: the point is that
the generator and the runner still fit kht's schema and API, not the figures.
"""

from __future__ import annotations

import json

import pytest

from bench.__main__ import main
from bench.generate import complete, counts, ensure_database

OPERATIONS = 11


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    """One generated database for the module (generating takes most of the time)."""
    folder = tmp_path_factory.mktemp("bench-cache")
    ensure_database(1000, 1, "sqlite", folder, log=lambda _: None)
    return folder


def test_generator_builds_a_database_with_the_expected_rows_and_reuses_it(cache):
    url = ensure_database(1000, 1, "sqlite", cache, log=pytest.fail)  # no second generation

    assert complete(counts(url), 1000)


def test_runner_reports_every_operation_with_numbers_and_leaves_the_data_as_it_was(
    cache, tmp_path, capsys
):
    out = tmp_path / "latest.json"
    args = ["--n", "1000", "--reps", "2", "--warmup", "1", "--cache", str(cache)]

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
    url = ensure_database(1000, 1, "sqlite", cache, log=pytest.fail)
    assert complete(counts(url), 1000)
