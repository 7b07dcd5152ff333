"""The built-in SMS gateways and request signers.

- `log`: for development; writes the number, template and parameter names to the `kht.sms`
  log and accepts every message (nothing leaves the machine).
- `http`: a template gateway in the style of the Chinese cloud SMS services (Aliyun
  Dysmsapi's SendSms): a form POST of the number, the template code, the parameters as JSON
  and the signature name, signed by the configured signer. The answer is JSON with `Code`
  ("OK" accepted), `BizId` (the carrier's message id) and optionally `Fee`/`Cost`.
  Receipts (`SmsReport`) and replies (`SmsUp`) arrive as JSON lists in the same style.

Signers are plain functions `(params, secret) -> params` (SIGNERS): `aliyun` adds Aliyun's
RPC signature (HMAC-SHA1 over the sorted, percent-encoded parameters, key `secret + "&"`),
`none` leaves the request unsigned. Another carrier's scheme is another function, or a
gateway of its own through `kht_register_sms_gateways`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import quote

import httpx

from kht.plugin_types import SmsGatewayDef, SmsReceipt, SmsReply, SmsRequest, SmsResult

log = logging.getLogger("kht.sms")
TIMEOUT = 15.0
# Aliyun's codes for a message that will never go (the rest may be retried).
PERMANENT = frozenset(
    {
        "isv.MOBILE_NUMBER_ILLEGAL",
        "isv.TEMPLATE_MISSING_PARAMETERS",
        "isv.SMS_TEMPLATE_ILLEGAL",
        "isv.SMS_SIGNATURE_ILLEGAL",
        "isv.BLACK_KEY_CONTROL_LIMIT",
        "isv.PARAM_LENGTH_LIMIT",
        "isv.INVALID_PARAMETERS",
    }
)


def _encode(value: str) -> str:
    """Aliyun's percent-encoding (RFC 3986: only A-Z a-z 0-9 - _ . ~ stay)."""
    return quote(value, safe="-_.~")


def sign_aliyun(params: dict[str, str], secret: str) -> dict[str, str]:
    """`params` with Aliyun's RPC signature (SignatureMethod HMAC-SHA1, version 1.0)."""
    signed = {
        **params,
        "SignatureMethod": "HMAC-SHA1",
        "SignatureVersion": "1.0",
        "SignatureNonce": uuid.uuid4().hex,
        "Timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    canonical = "&".join(f"{_encode(k)}={_encode(signed[k])}" for k in sorted(signed))
    to_sign = f"POST&{_encode('/')}&{_encode(canonical)}"
    digest = hmac.new(f"{secret}&".encode(), to_sign.encode(), hashlib.sha1).digest()
    return {**signed, "Signature": base64.b64encode(digest).decode()}


def sign_none(params: dict[str, str], secret: str) -> dict[str, str]:
    """No signature (a gateway on the company's own network)."""
    return params


SIGNERS: dict[str, Callable[[dict[str, str], str], dict[str, str]]] = {
    "aliyun": sign_aliyun,
    "none": sign_none,
}


def _decimal(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def http_send(config: dict[str, Any], secret: str, request: SmsRequest) -> SmsResult:
    """One SendSms call; carrier trouble is an answer (retry), never an exception."""
    params = {
        "Action": "SendSms",
        "Version": "2017-05-25",
        "Format": "JSON",
        "RegionId": str(config.get("region") or "cn-hangzhou"),
        "AccessKeyId": str(config.get("access_key_id") or ""),
        "PhoneNumbers": request.number.removeprefix("+86"),
        "SignName": request.signature,
        "TemplateCode": request.template_code,
        "TemplateParam": json.dumps(request.params, ensure_ascii=False, sort_keys=True),
        "OutId": request.reference,
    }
    signer = SIGNERS.get(str(config.get("signer") or "aliyun"), sign_aliyun)
    try:
        answer = httpx.post(
            str(config.get("endpoint") or ""),
            data=signer(params, secret),
            timeout=TIMEOUT,
            follow_redirects=False,
        )
    except httpx.HTTPError as exc:
        return SmsResult(accepted=False, error=type(exc).__name__)
    if answer.status_code >= 500 or answer.status_code == 429:
        return SmsResult(accepted=False, error=f"HTTP {answer.status_code}")
    try:
        body = answer.json()
    except ValueError:
        return SmsResult(accepted=False, error=f"HTTP {answer.status_code}: not JSON")
    code = str(body.get("Code") or "") if isinstance(body, dict) else ""
    if code == "OK":
        cost = _decimal(body.get("Fee", body.get("Cost")))
        return SmsResult(accepted=True, carrier_id=str(body.get("BizId") or ""), cost=cost)
    permanent = code in PERMANENT or 400 <= answer.status_code < 500 and code != "Throttling"
    return SmsResult(accepted=False, error=code[:100] or "refused", retry=not permanent)


def _items(payload: Any) -> list[dict[str, Any]]:
    items = payload if isinstance(payload, list) else [payload]
    if not all(isinstance(item, dict) for item in items):
        raise ValueError("a list of objects is expected")
    return items


def http_receipts(payload: Any) -> list[SmsReceipt]:
    """Aliyun SmsReport items: `biz_id`, `success`, `err_code`, and a `fee` if known."""
    receipts = []
    for item in _items(payload):
        if not item.get("biz_id"):
            raise ValueError("biz_id is missing")
        receipts.append(
            SmsReceipt(
                carrier_id=str(item["biz_id"]),
                delivered=item.get("success") is True,
                cost=_decimal(item.get("fee")),
                error=str(item.get("err_code") or "")[:100],
            )
        )
    return receipts


def http_replies(payload: Any) -> list[SmsReply]:
    """Aliyun SmsUp items: `phone_number` and `content`."""
    return [
        SmsReply(number=str(item.get("phone_number") or ""), text=str(item.get("content") or ""))
        for item in _items(payload)
    ]


def log_send(config: dict[str, Any], secret: str, request: SmsRequest) -> SmsResult:
    """Log the message (its parameter names only: their values may be personal data)."""
    log.info(
        "SMS (log gateway) to %s: template %s, parameters %s",
        request.number,
        request.template_code,
        sorted(request.params),
    )
    return SmsResult(accepted=True, carrier_id=f"log-{request.reference}", cost=Decimal(0))


BUILT_IN = [
    SmsGatewayDef(
        key="log", label_zh="日志（开发用）", label_en="Log (development)", send=log_send
    ),
    SmsGatewayDef(
        key="http",
        label_zh="HTTP 模板短信（阿里云风格）",
        label_en="HTTP template SMS (Aliyun style)",
        send=http_send,
        parse_receipts=http_receipts,
        parse_replies=http_replies,
    ),
]
