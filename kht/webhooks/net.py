"""Sending a webhook without becoming a way into the internal network (SSRF).

Only http(s) URLs without credentials. The host is resolved once, every address it resolves
to must be public (not loopback, private, link-local — 169.254.169.254, the cloud metadata
service, is one — shared, reserved or multicast, nor an IPv4 one of those inside an IPv6
form), and the request goes to that very address: the URL's host only travels in the Host
header and as the TLS server name, so a DNS answer that changes between the check and the
connection (rebinding) changes nothing. Redirects are not followed, proxies from the
environment not used. A host an administrator lists in `webhook_allow_hosts` (exactly as
written in URLs, e.g. `127.0.0.1` or `hooks.internal`) may resolve to any address.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import time
from collections.abc import Iterable

import httpx
import msgspec

from kht.errors import ValidationError

log = logging.getLogger("kht.webhooks")
SCHEMES = ("http", "https")
NAT64 = ipaddress.ip_network("64:ff9b::/96")
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class Refused(Exception):
    """The URL or the address its host resolves to may not be called."""


class Answer(msgspec.Struct, frozen=True):
    """What a try came to: the receiver's status code (None without an answer), the time it
    took and, when it failed, a short reason that never holds a secret."""

    status_code: int | None
    duration_ms: int
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def _embedded(address: Address) -> Address | None:
    """The IPv4 address an IPv6 one carries (mapped, 6to4, NAT64), if any."""
    if isinstance(address, ipaddress.IPv4Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def is_public(address: Address) -> bool:
    """Whether `address` is a public unicast address (and so is what it carries inside)."""
    inner = _embedded(address)
    if inner is not None and not is_public(inner):
        return False
    return address.is_global and not address.is_multicast


def _allowed(host: str, allow_hosts: Iterable[str]) -> bool:
    return host.lower() in {entry.strip().lower() for entry in allow_hosts}


def _literal(host: str) -> Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def check_url(url: str, allow_hosts: Iterable[str] = ()) -> httpx.URL:
    """`url` parsed, or a 422 naming `url`: http(s), a host, no user name or password, and
    no address literal that is not public (unless its host is allowed). Host names are
    resolved at each delivery, not here."""
    try:
        parsed = httpx.URL(url.strip())
    except (httpx.InvalidURL, TypeError, ValueError):
        raise ValidationError("url must be an http or https URL", "url") from None
    if parsed.scheme not in SCHEMES or not parsed.host:
        raise ValidationError("url must be an http or https URL", "url")
    if parsed.userinfo:
        raise ValidationError("url must not contain a user name or password", "url")
    host = parsed.raw_host.decode("ascii")
    address = _literal(host)
    if address is not None and not is_public(address) and not _allowed(host, allow_hosts):
        raise ValidationError("url points to a private or local address", "url")
    return parsed


def resolve(host: str, port: int, allow_hosts: Iterable[str]) -> str:
    """The one address to connect to; Refused when the host does not resolve, or resolves to
    any address that is not public while the host is not allowed."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise Refused("the host name does not resolve") from None
    addresses = [ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos]
    if not addresses:
        raise Refused("the host name does not resolve")
    if not _allowed(host, allow_hosts) and not all(is_public(a) for a in addresses):
        raise Refused("the host resolves to a private or local address")
    return str(addresses[0])


def _problem(status_code: int) -> str:
    if 200 <= status_code < 300:
        return ""
    if 300 <= status_code < 400:
        return "the receiver redirected (redirects are not followed)"
    return "the receiver did not accept the message"


def post(
    url: str, body: bytes, headers: dict[str, str], *, allow_hosts: Iterable[str], timeout: float
) -> Answer:
    """POST `body` to `url` at the address its host resolves to now (never following a
    redirect); a refusal or network error is an Answer without a status code."""
    started = time.monotonic()

    def took() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        parsed = check_url(url, allow_hosts)
        host = parsed.raw_host.decode("ascii")
        port = parsed.port or (443 if parsed.scheme == "https" else 80)
        address = resolve(host, port, allow_hosts)
    except (ValidationError, Refused) as exc:
        return Answer(None, took(), getattr(exc, "message", None) or str(exc))
    target = parsed.copy_with(host=address)
    sent = {**headers, "Host": parsed.netloc.decode("ascii")}
    extensions = {"sni_hostname": host} if parsed.scheme == "https" else {}
    try:
        with (
            httpx.Client(trust_env=False, follow_redirects=False, timeout=timeout) as client,
            client.stream("POST", target, content=body, headers=sent, extensions=extensions) as r,
        ):
            return Answer(r.status_code, took(), _problem(r.status_code))
    except httpx.TimeoutException:
        return Answer(None, took(), "the receiver did not answer in time")
    except httpx.HTTPError as exc:
        # The exception's name only: its text may quote what the other side sent.
        log.info("webhook to %s failed: %s", host, type(exc).__name__)
        return Answer(None, took(), "the receiver could not be reached")
