"""Progress of long work from the command line: done, rate and time left, on stderr.

`kht import`, `kht export`, `kht search reindex`, `kht scores recompute` and the benchmark
generator report through `progress(label, total)`. It draws a live bar (rich) only when
stderr is a terminal, so tests, logs, cron mails and pipes stay quiet. `kht --progress`
(or `KHT_PROGRESS=1`) asks for it anyway: away from a terminal that is one plain line every
`PLAIN_EVERY` seconds and one at the end, for a log that shows a long run is alive;
`--no-progress` / `KHT_PROGRESS=0` silences a terminal too. Stdout carries only results.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any, TextIO, TypeVar

PLAIN_EVERY = 5.0  # seconds between the plain lines of a forced report away from a terminal
T = TypeVar("T")


def wanted(flag: bool | None = None, stream: TextIO | None = None) -> bool:
    """Whether to report progress: the flag if given, else `KHT_PROGRESS`, else whether
    `stream` (stderr) is a terminal."""
    if flag is not None:
        return flag
    setting = os.environ.get("KHT_PROGRESS", "").strip().lower()
    if setting:
        return setting in {"1", "true", "yes", "on"}
    stream = stream or sys.stderr
    return bool(getattr(stream, "isatty", lambda: False)())


def _click_flag() -> bool | None:
    """`kht --progress/--no-progress`, when running inside the kht command."""
    import click

    context = click.get_current_context(silent=True)
    return context.find_root().meta.get("kht.progress") if context is not None else None


def plain_line(label: str, done: int, total: int | None, elapsed: float) -> str:
    """One report as text: `importing: 12,000/100,000 (3,400/s, 26 s left)`."""
    rate = done / elapsed if elapsed > 0 else 0.0
    shown = f"{done:,}/{total:,}" if total else f"{done:,}"
    if total and rate > 0 and done < total:
        return f"{label}: {shown} ({rate:,.0f}/s, {(total - done) / rate:,.0f} s left)"
    return f"{label}: {shown} ({rate:,.0f}/s, {elapsed:,.1f} s)"


class Bar:
    """A running report: `bar(done, total)` sets how far it got, `bar.advance(n)` adds."""

    def __init__(self, label: str, total: int | None, sink: Any) -> None:
        self.label, self.total, self.done = label, total, 0
        self.sink = sink
        self.started = self.last = time.monotonic()

    def __call__(self, done: int, total: int | None = None, *, force: bool = False) -> None:
        self.done = done
        if total:
            self.total = total
        self.sink(self)

    def advance(self, count: int = 1) -> None:
        """Count `count` more items done."""
        self(self.done + count)

    def counted(self, items: Iterable[T], every: int = 1000) -> Iterator[T]:
        """`items`, advancing the bar by one for each (reported every `every` items, so a
        loop over millions of rows does not pay a report per row)."""
        start, seen = self.done, 0
        for item in items:
            yield item
            seen += 1
            if seen % every == 0:
                self(start + seen)
        self(start + seen)


def _quiet(bar: Bar) -> None:
    return None


@contextmanager
def _rich(label: str, total: int | None, stream: TextIO) -> Iterator[Bar]:
    # Imported here: most commands never draw a bar.
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        Task,
        TextColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    class RateColumn(ProgressColumn):
        """Items per second (rich's own speed column counts bytes)."""

        def render(self, task: Task) -> Text:
            speed = task.finished_speed or task.speed
            return Text(f"{speed:,.0f}/s" if speed else "–/s", style="progress.data.speed")

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=Console(file=stream), transient=False) as shown:
        task = shown.add_task(label, total=total)

        def draw(bar: Bar) -> None:
            shown.update(task, completed=bar.done, total=bar.total)

        yield Bar(label, total, draw)


@contextmanager
def _plain(label: str, total: int | None, stream: TextIO) -> Iterator[Bar]:
    def write(bar: Bar) -> None:
        now = time.monotonic()
        if now - bar.last >= PLAIN_EVERY:
            bar.last = now
            print(plain_line(label, bar.done, bar.total, now - bar.started), file=stream)

    bar = Bar(label, total, write)
    yield bar
    elapsed = time.monotonic() - bar.started
    print(plain_line(label, bar.done, bar.total, elapsed), file=stream, flush=True)


@contextmanager
def progress(
    label: str, total: int | None = None, *, show: bool | None = None, stream: TextIO | None = None
) -> Iterator[Bar]:
    """Report the progress of `total` items of work named `label` (see the module): yields
    a `Bar` to call as the work goes; a quiet one when nobody would see it."""
    stream = stream or sys.stderr
    flag = show if show is not None else _click_flag()
    if not wanted(flag, stream):
        yield Bar(label, total, _quiet)
    elif getattr(stream, "isatty", lambda: False)():
        with _rich(label, total, stream) as bar:
            yield bar
    else:
        with _plain(label, total, stream) as bar:
            yield bar


# What a service that does long work takes to report it: `progress` from a command, else
# `quietly` (the worker, the web app, tests).
Reporter = Callable[..., AbstractContextManager[Bar]]


@contextmanager
def quietly(label: str, total: int | None = None) -> Iterator[Bar]:
    """A report nobody sees (the default `Reporter` of services)."""
    yield Bar(label, total, _quiet)


__all__ = ["Bar", "Reporter", "plain_line", "progress", "quietly", "wanted"]
