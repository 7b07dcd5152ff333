"""README's report library is generated from the definitions: it cannot drift."""

from __future__ import annotations

from kht.reports.library import END, ROOT, START, bundled_definitions, markdown


def test_the_readme_lists_the_library_as_the_definitions_declare_it():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = START + readme.partition(START)[2].partition(END)[0] + END
    assert section == markdown(bundled_definitions()), (
        "README.md's report library is stale: run `python scripts/report_library.py`"
    )
