"""The core modules' periodic tasks (kht.jobs.periodic runs them)."""

from __future__ import annotations

from typing import Any

from kht.plugin_types import PeriodicTask

NIGHTLY_CATCH_UP = 6 * 60


def _send_reminders(runtime: Any) -> str:
    from kht.actions.reminders import run_reminders

    return f"reminders sent: {run_reminders(runtime)}"


def _retry_webhooks(runtime: Any) -> str:
    from kht.webhooks.outbox import run_deliveries

    return f"deliveries: {run_deliveries(runtime)}"


def _send_sms(runtime: Any) -> None:
    from kht.sms.service import run

    run(runtime)


def _fetch_mail(runtime: Any) -> None:
    from kht.db.base import utcnow
    from kht.mail.fetch import fetch_due

    fetch_due(runtime.engine, runtime.settings, utcnow(), plugins=runtime.plugins())


def _mass_mail(runtime: Any) -> str:
    from kht.mail.mass_batches import run

    return f"mass mail queued: {run(runtime.engine, runtime.settings, runtime.plugins())}"


def _automation(runtime: Any) -> None:
    from kht.automation.engine import tick

    tick(runtime)


def _reclaim_pool(runtime: Any) -> None:
    from kht.pool.service import run_reclaim

    run_reclaim(runtime)


def _rescore(runtime: Any) -> None:
    from kht.value.service import run_rescore

    run_rescore(runtime)


def _customer_value(runtime: Any) -> str:
    from kht.value.customer import run_nightly

    return run_nightly(runtime)


CORE_TASKS = [
    PeriodicTask(
        key="kht.send_reminders",
        cron="* * * * *",
        run=_send_reminders,
        description="notify (and mail) the reminders of planned actions that are due",
    ),
    PeriodicTask(
        key="kht.retry_webhooks",
        cron="* * * * *",
        run=_retry_webhooks,
        description="webhook retries whose wait is over, and what a hand-over missed",
    ),
    PeriodicTask(
        key="kht.send_sms",
        cron="* * * * *",
        run=_send_sms,
        description="the queued SMS that are due (none during the quiet hours)",
    ),
    PeriodicTask(
        key="kht.fetch_mail",
        cron="* * * * *",
        run=_fetch_mail,
        description="read the mail accounts whose poll interval has passed (IMAP)",
    ),
    PeriodicTask(
        key="kht.mass_mail",
        cron="* * * * *",
        run=_mass_mail,
        description="the next batch of each mass send (its rate per minute), sent",
    ),
    PeriodicTask(
        key="kht.automation",
        cron="* * * * *",
        run=_automation,
        description="queue the time rules' runs and carry out every due run",
    ),
    PeriodicTask(
        key="kht.reclaim_pool",
        cron="30 2 * * *",
        run=_reclaim_pool,
        description="customers nobody followed up go back to the shared pool",
        catch_up_minutes=NIGHTLY_CATCH_UP,
    ),
    PeriodicTask(
        key="kht.rescore",
        cron="0 3 * * *",
        run=_rescore,
        description="recompute value scores (engagement decays with time, not events)",
        catch_up_minutes=NIGHTLY_CATCH_UP,
    ),
    PeriodicTask(
        key="kht.customer_value",
        cron="30 3 * * *",
        run=_customer_value,
        description="recompute every customer's established, potential and model value",
        catch_up_minutes=NIGHTLY_CATCH_UP,
    ),
]
