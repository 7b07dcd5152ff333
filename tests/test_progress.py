"""Progress of long work: quiet away from a terminal, a live bar on one, plain lines on request."""

from __future__ import annotations

import io

from kht.progress import plain_line, progress, quietly


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_nothing_is_written_when_nobody_watches(monkeypatch):
    monkeypatch.delenv("KHT_PROGRESS", raising=False)
    stream = io.StringIO()
    with progress("importing", 3, stream=stream) as bar:
        for done in range(1, 4):
            bar(done)
    assert stream.getvalue() == ""


def test_a_terminal_gets_a_bar_with_done_rate_and_time_left(monkeypatch):
    monkeypatch.delenv("KHT_PROGRESS", raising=False)
    stream = Terminal()
    with progress("importing", 3, stream=stream) as bar:
        list(bar.counted(range(3), every=1))
    assert "importing" in stream.getvalue() and "3/3" in stream.getvalue()
    assert "/s" in stream.getvalue()


def test_asked_for_away_from_a_terminal_it_writes_plain_lines(monkeypatch):
    monkeypatch.setenv("KHT_PROGRESS", "1")
    stream = io.StringIO()
    with progress("exporting", 2, stream=stream) as bar:
        bar.advance(2)
    assert stream.getvalue().startswith("exporting: 2/2 (")
    silenced = Terminal()
    with progress("exporting", 2, stream=silenced, show=False) as bar:
        bar.advance(2)
    assert silenced.getvalue() == ""


def test_a_plain_line_says_done_rate_and_time_left():
    assert plain_line("importing", 12_000, 100_000, 4.0) == (
        "importing: 12,000/100,000 (3,000/s, 29 s left)"
    )
    assert plain_line("scoring lead", 10, None, 2.0) == "scoring lead: 10 (5/s, 2.0 s)"


def test_the_quiet_reporter_counts_without_writing(capsys):
    with quietly("reindexing customer", 5) as bar:
        assert list(bar.counted("abcde", every=2)) == list("abcde")
    assert bar.done == 5
    assert capsys.readouterr() == ("", "")
