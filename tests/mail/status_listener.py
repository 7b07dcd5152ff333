"""A test plugin writing down every mass mail recipient status change it hears."""

from __future__ import annotations

from typing import Any

from kht.hookspecs import hookimpl
from kht.plugin_types import MailRecipientStatus, PluginInfo

NAME = "mail_status_listener"
HEARD: list[MailRecipientStatus] = []


@hookimpl
def kht_register_plugin() -> PluginInfo:
    return PluginInfo(name=NAME, label_zh="邮件状态监听", label_en="Mail status listener")


@hookimpl
def kht_on_mail_status(ctx: Any, change: MailRecipientStatus) -> None:
    HEARD.append(change)
