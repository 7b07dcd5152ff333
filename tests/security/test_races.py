"""Bursts of conflicting writes against a real `kht serve` process (SQLite or PostgreSQL,
whichever KHT_TEST_DATABASE_URL names): every request answers, one writer wins, the others
get 409, and /healthz answers all the while. A writer that waits on a lock held too long gets
a 503 with a clear message instead of hanging."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import httpx
import pytest
from sqlalchemy import select

from kht.customers.models import Customer
from kht.db.engine import is_sqlite, make_engine
from kht.sales.processes import service as processes
from kht.testing import add_user, bearer, serving
from tests.team import build_team

WRITERS = 50
REPS = [f"racer{n}" for n in range(5)]
# No request may take longer: a hang fails the test here instead of stalling the suite.
REQUEST_TIMEOUT = 20.0


@pytest.fixture
def team(kht_app):
    team = build_team(kht_app)
    for login in REPS:
        team.users[login] = add_user(team.runtime, login, "sales_rep", department="Sales/East")
    return team


Call = tuple[dict[str, str], str, str, dict]  # headers, method, path, JSON body


def burst(url: str, call: Callable[[int], Call], count: int = WRITERS) -> list[httpx.Response]:
    """Send `count` calls at once (threads released together); the answers in order."""
    start = threading.Barrier(count)
    limits = httpx.Limits(max_connections=count + 5)
    with httpx.Client(base_url=url, timeout=REQUEST_TIMEOUT, limits=limits) as client:

        def send(n: int) -> httpx.Response:
            headers, method, path, body = call(n)
            start.wait()
            return client.request(method, path, json=body, headers=headers)

        with ThreadPoolExecutor(count) as pool:
            return list(pool.map(send, range(count)))


@contextmanager
def health_watch(url: str) -> Iterator[list[int]]:
    """Poll /healthz until the block ends; yields the statuses seen (a timeout raises)."""
    seen: list[int] = []
    errors: list[BaseException] = []
    done = threading.Event()

    def watch() -> None:
        with httpx.Client(base_url=url, timeout=5.0) as client:
            while not done.is_set() or not seen:
                try:
                    seen.append(client.get("/healthz").status_code)
                except httpx.HTTPError as exc:  # a hung server: reported below
                    errors.append(exc)
                    return

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        yield seen
    finally:
        done.set()
        watcher.join()
    assert not errors, f"/healthz did not answer during the burst: {errors[0]!r}"
    assert set(seen) == {200}, Counter(seen)


def statuses(answers: list[httpx.Response]) -> Counter[int]:
    return Counter(answer.status_code for answer in answers)


def assert_one_winner(answers: list[httpx.Response], winner: int, losers: set[int]) -> None:
    counts = statuses(answers)
    assert counts[winner] == 1, counts
    assert set(counts) - {winner} <= losers, counts
    for answer in answers:
        if answer.status_code != winner:
            body = answer.json()
            assert body["status"] == answer.status_code and body["message"], body
            assert set(body) == {"status", "code", "message", "field"}, body


def test_fifty_parallel_conflicting_writes_each_answer_with_one_winner(team, kht_db_url):
    tokens = {login: bearer(team.runtime, login) for login in ["rep1", *REPS]}
    customer = team.customer("清华同方威视技术股份有限公司", "rep1")
    pooled = team.customer("公海客户", None)
    with team.ctx("rep1") as ctx:
        stage_ids = [stage.id for stage in processes.default_process(ctx).stages]
    with serving(kht_db_url) as url, health_watch(url):
        own = tokens["rep1"]
        opportunity = httpx.post(
            f"{url}/api/v1/opportunities",
            json={"name": "Scanner", "customer_id": customer, "amount": "1000.00"},
            headers=own,
        ).json()

        # Quotes do not conflict in business terms: all are made, numbered one after another.
        quote = {"title": "Scanner", "customer_id": customer}
        quotes = burst(url, lambda n: (own, "POST", "/api/v1/quotes", quote))
        assert statuses(quotes) == {201: WRITERS}, [q.text for q in quotes if q.status_code != 201]
        assert len({q.json()["number"] for q in quotes}) == WRITERS

        path = f"/api/v1/customers/{customer}"
        edits = burst(url, lambda n: (own, "PATCH", path, {"version": 1, "notes": f"edit {n}"}))
        assert_one_winner(edits, 200, {409})

        path = f"/api/v1/opportunities/{opportunity['id']}/stage"
        version = opportunity["version"]
        moves = burst(
            url,
            lambda n: (own, "POST", path, {"stage_id": stage_ids[1 + n % 3], "version": version}),
        )
        assert_one_winner(moves, 200, {409})

        # Once the winner holds it, the customer is out of the others' scope: 404 looks like
        # missing (out of scope must not be told apart), 409 says "no longer in the pool".
        path = f"/api/v1/pool/{pooled}/claim"
        claims = burst(url, lambda n: (tokens[REPS[n % len(REPS)]], "POST", path, {}))
        assert_one_winner(claims, 200, {404, 409})


def _hold_write_lock(database_url: str, customer_id: int) -> Callable[[], None]:
    """Lock the customer's row (PostgreSQL) or the whole database (SQLite) from outside the
    server, as a long transaction would; returns the function that lets go."""
    engine = make_engine(database_url)
    connection = engine.connect()
    connection.begin()  # SQLite: BEGIN IMMEDIATE, the write lock
    if not is_sqlite(engine):
        lock = select(Customer.id).where(Customer.id == customer_id).with_for_update()
        connection.execute(lock)

    def release() -> None:
        connection.rollback()
        connection.close()
        engine.dispose()

    return release


def test_a_writer_waiting_on_a_held_lock_gets_a_503_saying_so_and_health_still_answers(
    team, kht_db_url
):
    headers = bearer(team.runtime, "rep1")
    customer = team.customer("Acme Trading", "rep1")
    release = _hold_write_lock(kht_db_url, customer)
    short = {"KHT_DB_LOCK_TIMEOUT_MS": "300", "KHT_SQLITE_BUSY_TIMEOUT_MS": "300"}
    try:
        with serving(kht_db_url, **short) as url, health_watch(url):
            answer = httpx.patch(
                f"{url}/api/v1/customers/{customer}",
                json={"version": 1, "notes": "blocked"},
                headers=headers,
                timeout=REQUEST_TIMEOUT,
            )
            assert answer.status_code == 503, answer.text
            assert answer.json()["code"] == "busy"
            assert "try again" in answer.json()["message"]
            assert answer.headers["retry-after"]
    finally:
        release()
