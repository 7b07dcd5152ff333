"""Domain errors raised by services; the web layer maps each to one HTTP status."""

from __future__ import annotations


class KhtError(Exception):
    """Base for errors a user can act on: always carries a message, never a traceback."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ValidationError(KhtError):
    """Input is invalid; `field` names the offending field."""

    status = 422
    code = "validation_error"


class NotFound(KhtError):
    """The record does not exist, is deleted, or lies outside the caller's scope."""

    status = 404
    code = "not_found"


class Forbidden(KhtError):
    """The caller may see the record but not perform this operation."""

    status = 403
    code = "forbidden"


class NotAuthenticated(KhtError):
    """No valid credentials were given."""

    status = 401
    code = "not_authenticated"


class Conflict(KhtError):
    """A stale version or a uniqueness clash: the caller must reload and retry."""

    status = 409
    code = "conflict"


class UnsupportedMediaType(KhtError):
    """The body is not of a media type the operation reads (text/plain sent to a JSON API)."""

    status = 415
    code = "unsupported_media_type"


class PluginError(KhtError):
    """A plugin cannot be enabled, disabled or loaded."""

    status = 400
    code = "plugin_error"
