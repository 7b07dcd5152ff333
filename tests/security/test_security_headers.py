"""Every HTML page (and every other answer) carries the security headers: a
Content-Security-Policy that runs only the app's own script files, no framing, no MIME
sniffing, same-origin referrers, and HSTS when cookies are Secure. The pages are found by
walking the app's route table, so a new page is covered the day it is added."""

from __future__ import annotations

import re

import pytest
from litestar.testing import TestClient

from kht.testing import add_user, log_in, runtime_of
from kht.web.security_headers import CONTENT_SECURITY_POLICY

PACKS = ("standard_product",)
EXPECTED = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
}
PARAM = re.compile(r"\{[^}:]+(:[^}]+)?\}")


def _missing_headers(answer) -> dict[str, str | None]:
    return {k: answer.headers.get(k) for k, v in EXPECTED.items() if answer.headers.get(k) != v}


def _page_paths(app) -> list[str]:
    """Every GET path outside the API and static files, ids filled in with 1."""
    paths = set()
    for route in app.routes:
        methods = getattr(route, "methods", set())
        path = route.path
        if "GET" not in methods or path.startswith(("/api/v1", "/static")):
            continue
        if "{" in path and not all(":int}" in p for p in re.findall(r"\{[^}]+\}", path)):
            continue  # a path parameter that is not an id (a file name, a token)
        paths.add(PARAM.sub("1", path))
    return sorted(paths)


def test_the_policy_runs_no_inline_script_and_allows_no_framing():
    directives = dict(part.split(" ", 1) for part in CONTENT_SECURITY_POLICY.split("; "))
    assert directives["script-src"] == "'self'"  # no 'unsafe-inline', no 'unsafe-eval'
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"


def test_every_html_page_carries_the_security_headers(kht_app):
    app = kht_app(PACKS)
    add_user(runtime_of(app), "boss", "administrator", department="HQ")
    client = TestClient(app)
    with client:
        log_in(client, "boss")
        html_pages = 0
        for path in _page_paths(app):
            answer = client.get(path, follow_redirects=False)
            assert answer.status_code < 500, f"{path} answered {answer.status_code}"
            if answer.headers.get("content-type", "").startswith("text/html"):
                html_pages += 1
            assert not _missing_headers(answer), f"{path}: {_missing_headers(answer)}"
    assert html_pages > 40  # the walk really reached the pages


@pytest.mark.parametrize(
    "path", ["/login", "/no/such/page", "/api/schema/swagger", "/api/v1/customers", "/healthz"]
)
def test_anonymous_answers_and_errors_carry_them_too(kht_app, path):
    with TestClient(kht_app()) as client:
        answer = client.get(path, follow_redirects=False)
    assert not _missing_headers(answer), _missing_headers(answer)
    assert "strict-transport-security" not in answer.headers  # plain-HTTP test settings


def test_hsts_when_cookies_are_secure(kht_app):
    with TestClient(kht_app(secure_cookies=True)) as client:
        answer = client.get("/login")
    assert answer.headers["strict-transport-security"].startswith("max-age=31536000")
