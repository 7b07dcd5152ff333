"""Security headers on every response: a Content-Security-Policy that runs only the app's own
script files, no framing, no MIME sniffing, same-origin referrers, and HSTS when cookies are
Secure (that is, when the app is served over HTTPS)."""

from __future__ import annotations

from litestar.datastructures import MutableScopeHeaders
from litestar.types import BeforeMessageSendHookHandler, Message, Scope

from kht.config import Settings

# Scripts only from the app's own files: no inline <script>, no on…= handlers, no
# javascript: URLs, no eval (Alpine runs as its CSP build, htmx with allowEval off).
# Styles allow inline `style=` attributes (layout tweaks in templates, and the inline
# styles ECharts, FullCalendar and Tom Select set); they cannot run code.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
HSTS = "max-age=31536000; includeSubDomains"


def security_headers(settings: Settings) -> BeforeMessageSendHookHandler:
    """A `before_send` hook adding the headers to every HTTP response (pages, errors, API,
    static files): it runs for responses no route handled too, such as a 404."""
    headers = {
        "Content-Security-Policy": CONTENT_SECURITY_POLICY,
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
    }
    if settings.secure_cookies:
        headers["Strict-Transport-Security"] = HSTS

    async def add_headers(message: Message, scope: Scope) -> None:
        if message["type"] == "http.response.start":
            response_headers = MutableScopeHeaders.from_message(message)
            for name, value in headers.items():
                if name not in response_headers:
                    response_headers[name] = value

    return add_headers
