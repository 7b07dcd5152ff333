"""The mail services plugins may call (the public boundary, see kht.plugin_api): shared
templates. Sending goes through automation's `send_mail` action and mass mail."""

from __future__ import annotations

from kht.mail.templating import create_template, get_template, list_templates

__all__ = ["create_template", "get_template", "list_templates"]
