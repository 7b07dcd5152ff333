"""Webhook fixtures: a real HTTP receiver on 127.0.0.1 (in a thread), a team whose server
allows that host, and a huey queue of each test's own."""

from __future__ import annotations

import base64
import hashlib
import hmac
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from kht.webhooks.outbox import deliver
from tests.jobs.conftest import own_queue  # noqa: F401 - a huey queue of each test's own
from tests.team import Team, build_team

LOCAL = ("127.0.0.1",)


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """What arrived, and the status the next requests get."""

    port: int
    status: int = 200
    location: str = ""
    requests: list[Received] = field(default_factory=list)
    arrived: threading.Event = field(default_factory=threading.Event)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/kht"


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length)
            headers = {key.lower(): value for key, value in self.headers.items()}
            receiver.requests.append(Received(self.path, headers, body))
            self.send_response(receiver.status)
            if receiver.location:
                self.send_header("Location", receiver.location)
            self.send_header("Content-Length", "0")
            self.end_headers()
            receiver.arrived.set()

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A real HTTP server on 127.0.0.1 recording every POST."""
    box = Receiver(port=0)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(box))
    box.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield box
    server.shutdown()
    server.server_close()


@pytest.fixture
def team(kht_app) -> Team:
    """The sales team, on a server whose administrator allowed 127.0.0.1."""
    return build_team(kht_app, webhook_allow_hosts=LOCAL)


def send(team: Team, now=None) -> int:
    """What the worker does: send every due delivery."""
    return deliver(team.runtime.engine, team.runtime.settings, now)


def verify(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """The Standard Webhooks check written from the spec, without the library: HMAC-SHA256
    keyed with the base64-decoded secret (after `whsec_`) over `id.timestamp.body`, compared
    with each `v1,<base64>` signature of the header."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    offered = [part.split(",", 1) for part in headers["webhook-signature"].split(" ")]
    return any(
        version == "v1" and hmac.compare_digest(value, expected) for version, value in offered
    )
