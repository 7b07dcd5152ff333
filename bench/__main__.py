"""`python -m bench`: generate (or reuse) the data, run kht against the bare baseline, report.

    python -m bench --n 100000 --db sqlite --reps 200
    python -m bench --db postgresql            # KHT_BENCH_PG_URL, default 127.0.0.1:5432

Prints a table (median and p95 in ms, ratio kht / bare) and writes bench/results/latest.json.
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


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--n", type=int, default=100_000, help="customers (default 100,000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="sqlite")
    parser.add_argument("--reps", type=int, default=200, help="timed repetitions per operation")
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--cache", type=Path, default=CACHE, help="where SQLite files are kept")
    parser.add_argument("--out", type=Path, default=RESULTS)
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
        url = ensure_database(args.n, args.seed, backend, args.cache, log=log)
        log(f"{backend}: data ready in {time.perf_counter() - started:.1f} s")
        result = run(url, args.n, args.reps, args.warmup, log)
        report["results"].append(result)
        print(table(result) + "\n", flush=True)
    m = report["machine"]
    print(f"machine: {m['nproc']} CPUs, {m['cpu']}, Python {m['python']}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"written: {args.out}")
    return report


if __name__ == "__main__":
    main()
