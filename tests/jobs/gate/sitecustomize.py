"""Imported at start-up by every Python process started with this folder on PYTHONPATH: a
`kht worker` started by tests/jobs/test_several_workers.py with KHT_TEST_GATED_JOBS set
knows the test job type `gated` (tests/jobs/gated.py)."""

import os

if os.environ.get("KHT_TEST_GATED_JOBS"):
    from kht.jobs import service

    service.HANDLERS["gated"] = "tests.jobs.gated:run"
