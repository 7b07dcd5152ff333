"""SMS fixtures: the fake carrier (the one fake the issue allows) is a real HTTP server on
127.0.0.1 in a thread speaking Aliyun's SendSms: it checks nothing itself, records every
request and writes the receipts kht's callback then receives."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest

from kht.sms.service import drain
from tests.team import Team, build_team

SECRET = "carrier-secret-Zq81xv"


@dataclass
class Carrier:
    """What the carrier received, and how it answers: `status` 200 with `code` (OK or an
    Aliyun error code), or a 5xx while `status` says so."""

    port: int
    status: int = 200
    code: str = "OK"
    requests: list[dict[str, str]] = field(default_factory=list)
    accepted: list[dict[str, str]] = field(default_factory=list)
    # Where the carrier posts each accepted message's receipt ("" : nowhere), and how
    # kht answered those posts.
    receipts_url: str = ""
    posted: list[int] = field(default_factory=list)

    def post_receipt(self, request: dict[str, str]) -> None:
        """Post the receipt of `request` to kht's callback, as a carrier does a moment later."""
        answer = httpx.post(self.receipts_url, json=self.receipt(request), timeout=10)
        self.posted.append(answer.status_code)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def receipt(self, request: dict[str, str], delivered: bool = True) -> list[dict[str, Any]]:
        """The SmsReport body the carrier posts back for an accepted request."""
        return [
            {
                "phone_number": request["PhoneNumbers"],
                "biz_id": request["BizId"],
                "out_id": request["OutId"],
                "success": delivered,
                "err_code": "DELIVERED" if delivered else "MK:0001",
                "fee": "0.0450",
            }
        ]


def _handler(carrier: Carrier) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            length = int(self.headers.get("content-length") or 0)
            form = dict(parse_qsl(self.rfile.read(length).decode(), keep_blank_values=True))
            carrier.requests.append(form)
            body: dict[str, Any] = {"RequestId": uuid.uuid4().hex, "Code": carrier.code}
            if carrier.status == 200 and carrier.code == "OK":
                body["BizId"] = f"biz{len(carrier.accepted) + 1:04d}"
                carrier.accepted.append({**form, "BizId": body["BizId"]})
                if carrier.receipts_url:
                    report = carrier.accepted[-1]
                    threading.Thread(target=carrier.post_receipt, args=(report,)).start()
            data = json.dumps(body).encode()
            self.send_response(carrier.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@pytest.fixture
def carrier() -> Iterator[Carrier]:
    box = Carrier(port=0)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(box))
    box.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield box
    server.shutdown()
    server.server_close()


@pytest.fixture
def team(kht_app) -> Team:
    return build_team(kht_app)


def configure(team: Team, carrier: Carrier, **more: Any) -> dict:
    """The administrator sets up the http gateway on the fake carrier (no quiet hours
    unless given)."""
    body = {
        "gateway": "http",
        "config": {"endpoint": carrier.endpoint, "access_key_id": "LTAIkey", "signer": "aliyun"},
        "secret": SECRET,
        "signature": "客户通",
        "quiet_start": "00:00",
        "quiet_end": "00:00",
        **more,
    }
    answer = team.client("admin").post("/api/v1/sms/gateway", json=body)
    assert answer.status_code == 200, answer.text
    return answer.json()


def template(team: Team, **more: Any) -> int:
    body = {
        "name": "回访",
        "code": "SMS_123456",
        "content": "尊敬的${name}，感谢您的支持。",
        "params": {"name": "{{ customer.name }}"},
        **more,
    }
    answer = team.client("admin").post("/api/v1/sms/templates", json=body)
    assert answer.status_code == 201, answer.text
    return answer.json()["id"]


def send_now(team: Team, now=None) -> int:
    """What the worker does: send what is due."""
    from kht.db.base import utcnow

    runtime = team.runtime
    return drain(runtime.engine, runtime.settings, runtime.plugins(), now or utcnow())
