"""Company settings: the selling company's legal details and logo, printed on quotes.

One row (id 1), changed by administrators only (`users` admin), every change audited as
kind `company` (the logo as its size and digest, never the image). An uploaded logo is
opened with Pillow, refused (422 naming `logo`) unless it is a PNG, JPEG, GIF or WebP image
of sane size, and stored as a PNG scaled down to fit `LOGO_BOX`: a quote header needs no
more, and a PDF embeds it.
"""

from __future__ import annotations

import base64
import hashlib
import io
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from PIL import Image, ImageFile

from kht.auth.permissions import require
from kht.context import Ctx
from kht.errors import Conflict, ValidationError
from kht.events import RecordUpdated
from kht.org.models import CompanySettings
from kht.org.schemas import CompanyIn

SETTINGS_ID = 1
KIND = "company"
FIELDS = ("legal_name", "address", "tax_id", "bank_name", "bank_account", "phone")
LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_MAX_PIXELS = 40_000_000  # larger images are refused before being decoded
LOGO_BOX = (600, 240)
LOGO_FORMATS = frozenset({"PNG", "JPEG", "GIF", "WEBP"})
_STRICT = threading.Lock()


def _admin(ctx: Ctx) -> None:
    require(ctx.user, "users", "admin")


def current(ctx: Ctx) -> CompanySettings:
    """The stored settings, or empty ones (not saved) when nobody has set them yet."""
    found = ctx.session.get(CompanySettings, SETTINGS_ID)
    return found if found is not None else CompanySettings(id=SETTINGS_ID, version=0)


def get_settings(ctx: Ctx) -> CompanySettings:
    """The settings, for administrators."""
    _admin(ctx)
    return current(ctx)


def _stored(ctx: Ctx) -> CompanySettings:
    found = ctx.session.get(CompanySettings, SETTINGS_ID)
    if found is None:
        found = CompanySettings(
            id=SETTINGS_ID, created_by_id=ctx.user_id, **dict.fromkeys(FIELDS, "")
        )
        ctx.session.add(found)
        ctx.session.flush()
    return found


def _save(ctx: Ctx, settings: CompanySettings, diff: dict[str, list[Any]]) -> CompanySettings:
    if diff:
        settings.updated_by_id = ctx.user_id
        ctx.session.flush()
        event = RecordUpdated(kind=KIND, record_id=SETTINGS_ID, user_id=ctx.user_id, changes=diff)
        ctx.fire(event)
    return settings


def update_settings(ctx: Ctx, data: CompanyIn) -> CompanySettings:
    """Change the text settings; `version` is the one the client was shown (409 when stale)."""
    _admin(ctx)
    if data.version != current(ctx).version:
        raise Conflict("the company settings were changed by someone else; reload them", "version")
    settings = _stored(ctx)
    diff: dict[str, list[Any]] = {}
    for key in FIELDS:
        value = getattr(data, key).strip()
        if value != getattr(settings, key):
            diff[key] = [getattr(settings, key), value]
            setattr(settings, key, value)
    return _save(ctx, settings, diff)


def _describe(logo: bytes | None) -> str | None:
    """A logo as the audit log keeps it: its size and digest."""
    if not logo:
        return None
    return f"{len(logo)} bytes, sha256 {hashlib.sha256(logo).hexdigest()[:16]}"


@contextmanager
def _strict_decoding() -> Iterator[None]:
    """Truncated images fail while the block runs.

    WeasyPrint turns Pillow's process-wide LOAD_TRUNCATED_IMAGES on when it is imported (for
    PDFs), which would let a cut-off upload through as a half-black logo. The lock keeps two
    uploads from restoring each other's setting; WeasyPrint only ever loads the stored
    logo, which is whole.
    """
    with _STRICT:
        before = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = before


def _decoded(data: bytes) -> tuple[str, Image.Image]:
    """(format, RGBA image) of an upload; what Pillow cannot read safely is a 422."""
    try:
        with warnings.catch_warnings(), _strict_decoding():
            # A decompression bomb is refused, not just warned about.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.width * image.height > LOGO_MAX_PIXELS:
                    raise ValidationError("the logo image is too large", "logo")
                image.load()
                return image.format or "", image.convert("RGBA")
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError, Warning):
        # UnidentifiedImageError is an OSError; truncated or corrupt data raises any of these.
        raise ValidationError("the logo file is not a readable image", "logo") from None


def checked_logo(data: bytes) -> bytes:
    """An uploaded image as the PNG to store (scaled to fit LOGO_BOX), or 422 naming `logo`."""
    if not data:
        raise ValidationError("choose an image file for the logo", "logo")
    if len(data) > LOGO_MAX_BYTES:
        raise ValidationError("the logo may be at most 2 MB", "logo")
    kind, picture = _decoded(data)
    if kind not in LOGO_FORMATS:
        raise ValidationError("the logo must be a PNG, JPEG, GIF or WebP image", "logo")
    picture.thumbnail(LOGO_BOX)
    out = io.BytesIO()
    picture.save(out, format="PNG", optimize=True)
    return out.getvalue()


def set_logo(ctx: Ctx, data: bytes) -> CompanySettings:
    """Check, scale and store a new logo (audited)."""
    _admin(ctx)
    logo = checked_logo(data)
    settings = _stored(ctx)
    diff = {"logo": [_describe(settings.logo), _describe(logo)]}
    settings.logo = logo
    return _save(ctx, settings, diff)


def remove_logo(ctx: Ctx) -> CompanySettings:
    """Take the logo off quotes (audited)."""
    _admin(ctx)
    settings = _stored(ctx)
    if settings.logo is None:
        return settings
    diff = {"logo": [_describe(settings.logo), None]}
    settings.logo = None
    return _save(ctx, settings, diff)


def logo_data_uri(settings: CompanySettings) -> str:
    """The logo as a data: URI (printed pages and PDFs embed it: nothing to fetch)."""
    if not settings.logo:
        return ""
    return "data:image/png;base64," + base64.b64encode(settings.logo).decode("ascii")


def as_dict(settings: CompanySettings) -> dict[str, Any]:
    """The settings as plain values (the API and quote templates)."""
    return {key: getattr(settings, key) or "" for key in FIELDS}


__all__ = [
    "FIELDS",
    "as_dict",
    "checked_logo",
    "current",
    "get_settings",
    "logo_data_uri",
    "remove_logo",
    "set_logo",
    "update_settings",
]
