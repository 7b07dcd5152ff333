"""Imported at start-up by every Python process started with this folder on PYTHONPATH: a live
server started by a journey with a frozen clock (KHT_TEST_CLOCK, an ISO instant) freezes its
own clock at the same instant, so that the server and the test agree on "now"."""

import os

if os.environ.get("KHT_TEST_CLOCK"):
    import time_machine

    time_machine.travel(os.environ["KHT_TEST_CLOCK"], tick=False).start()
