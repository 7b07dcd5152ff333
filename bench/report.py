"""`python -m bench report`: the README tables from bench/results/latest.json.

One table per section: the operations (SQLite and PostgreSQL side by side, per size), import
and export, and the HTTP load test. Ratios are kht / bare (time) for operations, kht's rate
as a share of the bare rate for import and export, and kht / bare requests per second for
the load test.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from bench.__main__ import RESULTS


def operations(report: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    sizes = sorted({r["customers"] for r in report.get("results", [])})
    for size in sizes:
        found = {r["backend"]: r for r in report["results"] if r["customers"] == size}
        backends = [b for b in ("sqlite", "postgresql") if b in found]
        head = " | ".join(f"{b} kht / bare (median ms) | ratio" for b in backends)
        lines += [
            f"N = {size:,} customers",
            "",
            f"| operation | {head} |",
            "| --- |" + " --- | ---: |" * len(backends),
        ]
        names = [op["name"] for op in found[backends[0]]["operations"]]
        for name in names:
            cells = []
            for backend in backends:
                op = next((o for o in found[backend]["operations"] if o["name"] == name), None)
                if op is None:
                    cells += ["-", "-"]
                    continue
                cells += [
                    f"{op['kht']['median_ms']:.2f} / {op['bare']['median_ms']:.2f}",
                    f"{op['ratio_median']:.2f}x",
                ]
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
        lines.append("")
    return lines


def io(report: dict[str, Any]) -> list[str]:
    entries = report.get("io", [])
    if not entries:
        return []
    lines = [
        "| backend | operation | kht rows/s | kht peak MB (rows/10) | bare rows/s | bare peak MB "
        "| kht rate / bare rate |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for entry in entries:
        where = f"{entry['backend']}, {entry['rows']:,} rows"
        for item in entry["import"]:
            kht, raw = item["kht"], item["raw"]
            small = item.get("kht_small")
            lines.append(
                f"| {where} | import .{item['format']} | {kht['rows_per_s']:,} | "
                f"{kht['peak_mb']} ({small['peak_mb'] if small else '-'}) | "
                f"{raw['rows_per_s']:,} | {raw['peak_mb']} | {item['ratio']:.0%} |"
            )
        export = entry["export"]
        lines.append(
            f"| {where} | export .csv | {export['kht']['rows_per_s']:,} | "
            f"{export['kht']['peak_mb']} | {export['bare']['rows_per_s']:,} | "
            f"{export['bare']['peak_mb']} | {export['ratio']:.0%} |"
        )
    idle = ", ".join(f"{e['backend']} {e['idle_peak_mb']} MB" for e in entries)
    return [
        *lines,
        "",
        f"Peak memory of an idle child (imports kht, opens the runtime): {idle}.",
        "",
    ]


def load(report: dict[str, Any]) -> list[str]:
    entries = report.get("load", [])
    if not entries:
        return []
    lines = [
        "| backend | server workers | kht req/s | kht p95 ms | bare req/s | bare p95 ms | "
        "kht / bare req/s | errors kht / bare |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for entry in entries:
        for run in entry["runs"]:
            kht, bare = run["kht"], run["bare"]
            lines.append(
                f"| {entry['backend']}, {entry['customers']:,} | {run['workers']} | "
                f"{kht['per_s']} | {kht['p95_ms']} | {bare['per_s']} | {bare['p95_ms']} | "
                f"{run['ratio_throughput']:.2f}x | {kht['errors']} / {bare['errors']} |"
            )
    return [*lines, ""]


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser(prog="python -m bench report", description=__doc__)
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    report = json.loads(args.results.read_text(encoding="utf-8"))
    m = report.get("machine", {})
    text = "\n".join(
        [
            f"Machine: {m.get('nproc')} CPUs ({m.get('cpu')}), Python {m.get('python')}",
            "",
            *operations(report),
            *io(report),
            *load(report),
        ]
    )
    print(text)
    return text
