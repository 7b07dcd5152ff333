"""Email addresses checked one way on every path (forms, API, import): email-validator's rules."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email

from kht.errors import ValidationError


def clean_email(value: str, field: str = "email") -> str:
    """`value` trimmed if it is an email address (empty is allowed), else a 422 naming `field`.

    Only the syntax is checked: whether the domain receives mail is not known offline.
    """
    value = value.strip()
    if not value:
        return ""
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        raise ValidationError(f"{field} must be an email address", field) from None
    return value


__all__ = ["clean_email"]
