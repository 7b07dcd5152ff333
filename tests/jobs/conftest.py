"""Job test fixtures: the import world, and huey queues forgotten after each test."""

from __future__ import annotations

import pytest

from kht.jobs import worker
from tests.importing.conftest import world  # noqa: F401  (the same small company)


@pytest.fixture(autouse=True)
def own_queue(tmp_path, monkeypatch):
    """Each test enqueues into its own huey file, and no queue outlives the test."""
    monkeypatch.setenv("KHT_HUEY_PATH", str(tmp_path / "huey.db"))
    worker.forget_queues()
    yield
    worker.forget_queues()
