"""Knowledge test fixtures: an editor (the service role), a reader (a sales rep), an admin."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from litestar.testing import TestClient

from kht.testing import add_user, bearer, runtime_of


@dataclass
class Library:
    app: object
    runtime: object

    def client(self, login: str) -> TestClient:
        client = TestClient(self.app)
        client.headers.update(bearer(self.runtime, login))
        return client

    def article(self, login: str = "editor", **values) -> dict:
        body = {"title": "文章", **values}
        with self.client(login) as client:
            answer = client.post("/api/v1/knowledge", json=body)
        assert answer.status_code == 201, answer.text
        return answer.json()

    def category(self, name: str, parent_id: int | None = None) -> int:
        with self.client("editor") as client:
            answer = client.post(
                "/api/v1/knowledge/categories", json={"name": name, "parent_id": parent_id}
            )
        assert answer.status_code == 201, answer.text
        return answer.json()["id"]


@pytest.fixture
def library(kht_app) -> Library:
    app = kht_app()
    runtime = runtime_of(app)
    add_user(runtime, "editor", "service")
    add_user(runtime, "reader", "sales_rep")
    add_user(runtime, "boss", "administrator")
    return Library(app=app, runtime=runtime)
