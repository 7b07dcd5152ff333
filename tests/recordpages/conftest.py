"""The record pages are shown on the contacts' office: staff in two departments."""

from tests.contacts.conftest import office  # noqa: F401  (the fixture)
