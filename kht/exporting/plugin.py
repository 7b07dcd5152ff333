"""The exporting module's hook implementations: `kht export`.

The export routes of each kind (`/api/v1/<plural>/export`, `/<plural>/export`) come with the
kind's declaration (kht.records.api).
"""

from __future__ import annotations

from typing import Any

from kht.hookspecs import hookimpl


@hookimpl
def kht_register_commands(cli: Any) -> None:
    from kht.exporting.cli import export_command

    cli.add_command(export_command)
