"""`python -m bench`: generate (or reuse) the data, run kht against the bare baseline, report.

    python -m bench --n 100000 --db sqlite --reps 200
    python -m bench --db postgresql            # KHT_BENCH_PG_URL, default 127.0.0.1:5432
    python -m bench --only kanban funnel       # only the operations whose name has a word
    python -m bench io --n 100000 --rows 100000     # import/export 100k rows, peak memory
    python -m bench load --seconds 20 --workers 1 2 # HTTP load on `kht serve` vs the bare app
    python -m bench report                          # the README tables from latest.json

Prints a table (median and p95 in ms, ratio kht / bare) and merges the figures into
bench/results/latest.json (a result replaces the one of the same backend and size).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from bench.generate import CACHE, ensure_database
from bench.runner import machine, run

RESULTS = Path(__file__).parent / "results" / "latest.json"


def table(result: dict[str, Any]) -> str:
    """The operations of one backend as a Markdown table (fit for the README)."""
    lines = [
        f"{result['backend']} ({result['server_version']}), {result['customers']:,} customers",
        "",
        "| operation | kht median ms | kht p95 ms | bare median ms | bare p95 ms | ratio |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for op in result["operations"]:
        kht, bare = op["kht"], op["bare"]
        lines.append(
            f"| {op['name']} | {kht['median_ms']:.2f} | {kht['p95_ms']:.2f} | "
            f"{bare['median_ms']:.2f} | {bare['p95_ms']:.2f} | {op['ratio_median']:.2f}x |"
        )
    return "\n".join(lines)


def merge(path: Path, report: dict[str, Any], section: str, keys: tuple[str, ...]) -> None:
    """Write `report[section]` into the JSON at `path`, keeping other sections and results.

    A new result replaces an old one with the same values of `keys` (backend, size...).
    """
    old: dict[str, Any] = {}
    if path.exists():
        try:
            old = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            old = {}
    fresh = report[section]
    same = {tuple(r.get(k) for k in keys) for r in fresh}
    kept = [r for r in old.get(section, []) if tuple(r.get(k) for k in keys) not in same]
    if section == "io":  # a run of some formats keeps the other formats' figures
        previous = {tuple(r.get(k) for k in keys): r for r in old.get(section, [])}
        for entry in fresh:
            before = previous.get(tuple(entry.get(k) for k in keys))
            if before:
                formats = {item["format"] for item in entry["import"]}
                entry["import"] = [
                    item for item in before["import"] if item["format"] not in formats
                ] + entry["import"]
    merged = {**old, **{k: v for k, v in report.items() if k != section}}
    merged[section] = kept + fresh
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(merged, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> dict[str, Any]:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "io":
        from bench.io import main as io_main

        return io_main(argv[1:])
    if argv and argv[0] == "load":
        from bench.load import main as load_main

        return load_main(argv[1:])
    if argv and argv[0] == "report":
        from bench.report import main as report_main

        return {"text": report_main(argv[1:])}
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--n", type=int, default=100_000, help="customers (default 100,000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="sqlite")
    parser.add_argument("--reps", type=int, default=200, help="timed repetitions per operation")
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--cache", type=Path, default=CACHE, help="where SQLite files are kept")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--only", nargs="*", default=None, help="words of operation names")
    parser.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="progress of the generator's steps (default: only on a terminal)",
    )
    args = parser.parse_args(argv)

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    report: dict[str, Any] = {
        "generated_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": machine(),
        "seed": args.seed,
        "repetitions": args.reps,
        "results": [],
    }
    backends = ("sqlite", "postgresql") if args.db == "both" else (args.db,)
    for backend in backends:
        started = time.perf_counter()
        url = ensure_database(args.n, args.seed, backend, args.cache, log=log, show=args.progress)
        log(f"{backend}: data ready in {time.perf_counter() - started:.1f} s")
        result = run(url, args.n, args.reps, args.warmup, log, args.only)
        report["results"].append(result)
        print(table(result) + "\n", flush=True)
    m = report["machine"]
    print(f"machine: {m['nproc']} CPUs, {m['cpu']}, Python {m['python']}")
    merge(args.out, report, "results", ("backend", "customers"))
    print(f"written: {args.out}")
    return report


if __name__ == "__main__":
    main()
