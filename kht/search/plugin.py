"""The search module's hook implementations: routes, the index listener, `kht search reindex`."""

from __future__ import annotations

from typing import Any

from kht.hookspecs import hookimpl


@hookimpl
def kht_register_routes() -> list[Any]:
    from kht.search.api import SearchController
    from kht.search.views import ROUTES

    return [SearchController, *ROUTES]


@hookimpl
def kht_on_event(ctx: Any, event: Any) -> None:
    """Keep the search documents in the same transaction as the change that caused it."""
    from kht.search.service import on_event

    on_event(ctx, event)


@hookimpl
def kht_register_commands(cli: Any) -> None:
    import click

    from kht.search.service import KINDS

    @cli.group("search")
    def search_group() -> None:
        """The global search index."""

    @search_group.command("reindex")
    @click.option("--kind", type=click.Choice(KINDS), help="Only this kind (default: all).")
    def reindex_command(kind: str | None) -> None:
        """Rebuild the search documents from the records (after an import or a restore)."""
        from kht.progress import progress
        from kht.search.service import reindex

        runtime = click.get_current_context().obj
        with runtime.ctx() as ctx:
            counts = reindex(ctx, kind, progress=progress)
        for name, count in counts.items():
            click.echo(f"{name}: {count} documents")
