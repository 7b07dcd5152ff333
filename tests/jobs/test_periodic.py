"""Periodic tasks: modules and plugins register them with a cron schedule read in the
company's time zone; each scheduled minute runs once however many workers tick, a missed
one is caught up once, and one task's failure is kept without stopping the others."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from kht.errors import KhtError
from kht.jobs.models import PeriodicRun
from kht.jobs.periodic import latest_slot, registered, tick
from kht.plugin_types import PeriodicTask
from kht.testing import disable_plugin
from tests.jobs import periodic_plugin

PLUGIN = "tests.jobs.periodic_plugin"
SHANGHAI = ZoneInfo("Asia/Shanghai")
NIGHTLY = PeriodicTask(key="x.nightly", cron="30 2 * * *", run=None, catch_up_minutes=360)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.fixture
def runtime(kht_runtime):
    periodic_plugin.RUNS.clear()
    return kht_runtime(plugins=["periodic_plugin"], extra=[PLUGIN])


def claims(runtime) -> list[PeriodicRun]:
    with Session(runtime.engine) as session:
        return list(session.scalars(select(PeriodicRun).order_by(PeriodicRun.key)))


def test_a_nightly_schedule_is_read_in_the_company_time_zone():
    # 02:30 in Shanghai is 18:30 UTC the day before.
    assert latest_slot(NIGHTLY, utc(2026, 3, 1, 18, 30, 40), SHANGHAI) == utc(2026, 3, 1, 18, 30)


def test_a_missed_night_is_caught_up_within_its_window_and_not_after():
    # The worker was down at 02:30; at 08:00 Shanghai (00:00 UTC) it is 5.5 h late: caught up.
    assert latest_slot(NIGHTLY, utc(2026, 3, 2, 0, 0), SHANGHAI) == utc(2026, 3, 1, 18, 30)
    # At 09:00 Shanghai it is 6.5 h late: skipped until the next night.
    assert latest_slot(NIGHTLY, utc(2026, 3, 2, 1, 0), SHANGHAI) is None


def test_the_core_registers_its_scheduled_work(runtime):
    tasks = registered(runtime.plugins().pm.hook)

    assert tasks["kht.automation"].cron == "* * * * *"
    assert tasks["kht.reclaim_pool"].cron == "30 2 * * *"
    assert tasks["periodic_plugin.nightly"].cron == "30 2 * * *"


def test_a_task_runs_at_its_minute_once_however_many_workers_tick(runtime, kht_runtime):
    other_worker = kht_runtime(extra=[PLUGIN])
    at = utc(2026, 3, 1, 18, 30, 5)

    first = tick(runtime, at)
    second = tick(other_worker, at)

    assert "periodic_plugin.nightly" in first
    assert "periodic_plugin.nightly" not in second
    assert periodic_plugin.RUNS.count("nightly") == 1
    # A minute later the nightly task is not due again; the every-minute one is.
    later = tick(runtime, utc(2026, 3, 1, 18, 31, 5))
    assert "periodic_plugin.nightly" not in later
    assert "periodic_plugin.broken" in later


def test_a_failing_task_keeps_its_error_and_the_others_still_run(runtime):
    tick(runtime, utc(2026, 3, 1, 18, 30, 5))

    rows = {row.key: row for row in claims(runtime)}
    assert rows["periodic_plugin.broken"].error == "RuntimeError: the carrier is down"
    assert rows["periodic_plugin.nightly"].note == "recalculated"
    assert rows["periodic_plugin.nightly"].error == ""
    assert rows["periodic_plugin.nightly"].finished_at is not None
    assert rows["kht.send_reminders"].error == ""


def test_a_disabled_plugins_tasks_do_not_run(runtime):
    disable_plugin(runtime, "periodic_plugin")

    claimed = tick(runtime, utc(2026, 3, 1, 18, 30, 5))

    assert not [key for key in claimed if key.startswith("periodic_plugin.")]
    assert periodic_plugin.RUNS == []


class _Hook:
    def __init__(self, *batches):
        self.batches = list(batches)

    def kht_register_periodic_tasks(self):
        return self.batches


def test_a_key_given_twice_or_a_bad_schedule_is_an_error_naming_it():
    task = PeriodicTask(key="x.one", cron="* * * * *", run=None)
    with pytest.raises(KhtError, match="'x.one' is registered twice"):
        registered(_Hook([task], [task]))
    bad = PeriodicTask(key="x.bad", cron="61 * * * *", run=None)
    with pytest.raises(KhtError, match="'x.bad': bad cron"):
        registered(_Hook([bad]))


def test_the_worker_dispatches_every_minute_through_one_periodic_task(runtime):
    from kht.jobs.worker import PERIODIC_TASK, queue_for

    huey, _ = queue_for(runtime.settings, runtime)

    assert {task.__name__ for task in huey._registry._periodic_tasks} == {PERIODIC_TASK}


def test_a_tick_reads_the_registered_tasks_once_and_runs_what_it_claimed(runtime, monkeypatch):
    import kht.jobs.periodic as periodic

    reads = []
    real = periodic.registered
    monkeypatch.setattr(periodic, "registered", lambda hook: reads.append(1) or real(hook))

    claimed = tick(runtime, utc(2026, 3, 1, 18, 30, 5))

    assert "periodic_plugin.nightly" in claimed
    assert periodic_plugin.RUNS.count("nightly") == 1
    assert len(reads) == 1


def test_a_run_queued_by_name_is_skipped_when_its_plugin_was_disabled_meanwhile(runtime):
    from kht.jobs.periodic import claim_due, run_claimed

    claimed = claim_due(runtime, utc(2026, 3, 1, 18, 30, 5))
    slot = next(slot for task, slot in claimed if task.key == "periodic_plugin.nightly")
    disable_plugin(runtime, "periodic_plugin")

    assert (
        run_claimed(runtime, "periodic_plugin.nightly", slot) == "skipped: not registered any more"
    )
    assert periodic_plugin.RUNS == []
