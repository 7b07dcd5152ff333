"""The catalogue merge driver (scripts/merge_catalog.py): two branches adding strings next to
each other keep every entry whole, removals and translations from either side survive."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "merge_catalog.py"
HEADER = '# Test catalogue.\nmsgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'


def entries(*pairs: tuple[str, str]) -> str:
    return HEADER + "".join(f'msgid "{k}"\nmsgstr "{v}"\n\n' for k, v in pairs)


def test_neighbouring_additions_removals_and_translations_merge_entry_by_entry(tmp_path):
    base = tmp_path / "base.po"
    ours = tmp_path / "ours.po"
    theirs = tmp_path / "theirs.po"
    base.write_text(entries(("Apple", "苹果"), ("Old", "旧"), ("Pear", "")), "utf-8")
    ours.write_text(
        entries(("Apple", "苹果"), ("Banana", "香蕉"), ("Old", "旧"), ("Pear", "")), "utf-8"
    )
    theirs.write_text(entries(("Apple", "苹果"), ("Cherry", ""), ("Pear", "梨")), "utf-8")

    done = subprocess.run([sys.executable, SCRIPT, base, ours, theirs], check=False)

    assert done.returncode == 0
    with ours.open("rb") as handle:
        merged = {m.id: m.string for m in read_po(handle) if m.id}
    assert merged == {"Apple": "苹果", "Banana": "香蕉", "Cherry": "", "Pear": "梨"}
    assert ours.read_text("utf-8").startswith("# Test catalogue.")


def test_a_file_babel_cannot_read_is_left_to_git_as_a_conflict(tmp_path):
    broken = tmp_path / "broken.po"
    broken.write_text('msgid "A"\nmsgid "B"\nmsgstr ""\n', "utf-8")
    good = tmp_path / "good.po"
    good.write_text(entries(("A", "")), "utf-8")

    done = subprocess.run([sys.executable, SCRIPT, good, broken, good], check=False)

    assert done.returncode == 1
