"""A demo company (built through the services by `kht demo`) to run the library against, on
a frozen clock: reports filter by "today" (`today-30`), which must not move during a test
nor depend on when the suite runs. Both sides of Beijing's midnight are tried."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine

from kht.demo import load_demo

BEFORE = datetime(2026, 3, 31, 15, 59, tzinfo=UTC)  # 23:59 on 31 March in Beijing
AFTER = datetime(2026, 3, 31, 16, 1, tzinfo=UTC)  # 00:01 on 1 April in Beijing


@pytest.fixture(params=[BEFORE, AFTER], ids=["15:59", "16:01"])
def demo(kht_app, request):
    """The app with the standard-product pack and the demo company (accounts, records),
    the clock frozen at 15:59 or 16:01 UTC."""
    with time_machine.travel(request.param, tick=False):
        app = kht_app(["standard_product"])
        from kht.testing import runtime_of

        load_demo(runtime_of(app), size=30)
        yield app
