"""The bare app for uvicorn (`uvicorn bench.serve_bare:build --factory`), used by the load test.

Each server worker builds it from BENCH_URL (the database) and BENCH_SCOPES (JSON: user_id and
owners per name), the way `kht serve --workers N` builds kht from KHT_* variables.
"""

from __future__ import annotations

import json
import os

from litestar import Litestar

from bench.bare import Scopes, build_app
from kht.db.engine import make_engine


def build() -> Litestar:
    """The bare app on the engine of BENCH_URL, acting as BENCH_SCOPES says."""
    scopes = json.loads(os.environ["BENCH_SCOPES"])
    return build_app(
        make_engine(os.environ["BENCH_URL"]),
        Scopes(user_id=scopes["user_id"], owners=scopes["owners"]),
    )
