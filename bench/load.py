"""`python -m bench load`: HTTP load on `kht serve` and on the bare app, over loopback.

    python -m bench load --n 100000 --db sqlite --seconds 20 --workers 1 2 --threads 8

For each number of server workers, kht is started as `kht serve --host 127.0.0.1 --port P
--workers W` (uvicorn) on the generated database, and the bare app as `uvicorn
bench.serve_bare:build --factory --workers W`, each on a free loopback port. A separate driver
process then runs `threads` httpx clients for `seconds`, each acting as the rep on its own
slice of the rep's customers and opportunities: 70% reads (25% customer list, 25% the 360
view, 20% search) and 30% writes (10% create, 10% update with version, 10% kanban stage
move). It reports requests/s, errors and latency percentiles. Servers are stopped (their own
process group) and the data put back after every run. Nothing listens beyond 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from bench.generate import CACHE, SECRET, ensure_database

MIX = (  # (operation, weight in %)
    ("list", 25),
    ("360", 25),
    ("search", 20),
    ("create", 10),
    ("update", 10),
    ("stage", 10),
)
READS = {"list", "360", "search"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# ---------------------------------------------------------------- the driver (its own process)


def _paths(side: str, fx: dict[str, Any]) -> dict[str, str]:
    if side == "kht":
        return {
            "list": "/api/v1/customers?page_size=50&sort=-updated_at",
            "customer": "/api/v1/customers",
            "search": "/api/v1/search?q=",
            "opportunity": "/api/v1/opportunities",
        }
    return {
        "list": "/customers?who=rep",
        "customer": "/customers",
        "search": "/search?q=",
        "opportunity": "/opportunities",
    }


class _Client:
    """One client thread's state: its slice of the rep's customers and opportunities."""

    def __init__(self, side: str, fx: dict[str, Any], k: int, threads: int) -> None:
        self.k, self.fx, self.paths = k, fx, _paths(side, fx)
        self.rng = random.Random(k)
        self.customers = {int(i): v for i, v in fx["versions"].items() if int(i) % threads == k}
        self.customer_ids = sorted(self.customers) or [int(i) for i in fx["versions"]]
        self.opportunities = {
            int(i): list(v) for i, v in fx["opportunities"].items() if int(i) % threads == k
        }
        self.serial = 0

    def pick(self, kinds: list[str]) -> str:
        kind = self.rng.choice(kinds)
        # At tiny sizes a thread's slice can be empty: it reads instead of conflicting.
        if kind == "stage" and not self.opportunities:
            kind = "update"
        if kind == "update" and not self.customers:
            kind = "360"
        return kind

    def request(self, client: Any, kind: str) -> Any:
        paths, rng = self.paths, self.rng
        self.serial += 1
        if kind == "list":
            return client.get(paths["list"])
        if kind == "360":
            return client.get(f"{paths['customer']}/{rng.choice(self.customer_ids)}")
        if kind == "search":
            term = self.fx["chinese"] if rng.random() < 0.5 else self.fx["pinyin"]
            return client.get(paths["search"] + term)
        if kind == "create":
            body = {
                "name": f"压测客户{self.k}-{self.serial}有限公司",
                "phone": f"1390{self.k:02d}{self.serial % 100000:05d}",
                "ext": {"custom": {"industry": "金融", "employees": 10}},
            }
            return client.post(paths["customer"], json=body)
        if kind == "update":
            customer_id = rng.choice(self.customer_ids)
            body = {"version": self.customers[customer_id], "address": f"{self.serial}号"}
            response = client.patch(f"{paths['customer']}/{customer_id}", json=body)
            if response.status_code == 200:
                self.customers[customer_id] = response.json()["version"]
            return response
        opportunity_id = rng.choice(list(self.opportunities))
        stage_id, version = self.opportunities[opportunity_id]
        cycle = self.fx["open_stages"]
        body = {"stage_id": cycle[(cycle.index(stage_id) + 1) % len(cycle)], "version": version}
        response = client.post(f"{paths['opportunity']}/{opportunity_id}/stage", json=body)
        if response.status_code == 200:
            row = response.json()
            self.opportunities[opportunity_id] = [row["stage_id"], row["version"]]
        return response


def _worker(
    base: str,
    side: str,
    fx: dict[str, Any],
    k: int,
    threads: int,
    until: float,
    out: list[tuple[str, float, bool]],
    failures: dict[str, int],
) -> None:
    import httpx

    state = _Client(side, fx, k, threads)
    headers = fx["headers"] if side == "kht" else {}
    kinds = [name for name, weight in MIX for _ in range(weight)]
    with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
        first = True
        while first or time.perf_counter() < until:
            first = False
            kind = state.pick(kinds)
            started = time.perf_counter()
            try:
                response = state.request(client, kind)
                ok, what = response.status_code < 400, f"{kind} {response.status_code}"
            except httpx.HTTPError as exc:
                ok, what = False, f"{kind} {type(exc).__name__}"
            out.append((kind, time.perf_counter() - started, ok))
            if not ok:
                failures[what] = failures.get(what, 0) + 1


def drive(base: str, side: str, fixture_path: str, seconds: float, threads: int) -> None:
    """Run the mixed workload against `base` and print the figures as one JSON line."""
    import httpx  # noqa: F401 - imported before the clock starts

    fx = json.loads(Path(fixture_path).read_text(encoding="utf-8"))
    results: list[list[tuple[str, float, bool]]] = [[] for _ in range(threads)]
    failures: dict[str, int] = {}
    started = time.perf_counter()
    until = started + seconds
    pool = [
        threading.Thread(
            target=_worker, args=(base, side, fx, k, threads, until, results[k], failures)
        )
        for k in range(threads)
    ]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    elapsed = time.perf_counter() - started
    done = [item for batch in results for item in batch]
    print(json.dumps({**summarise(done, elapsed), "failures": failures}), flush=True)


def summarise(done: list[tuple[str, float, bool]], elapsed: float) -> dict[str, Any]:
    def figures(items: list[tuple[str, float, bool]]) -> dict[str, Any]:
        times = sorted(t * 1000 for _, t, _ in items) or [0.0]
        return {
            "requests": len(items),
            "errors": sum(1 for *_, ok in items if not ok),
            "per_s": round(len(items) / elapsed, 1),
            "median_ms": round(statistics.median(times), 2),
            "p95_ms": round(times[min(len(times) - 1, round(0.95 * (len(times) - 1)))], 2),
        }

    return {
        "seconds": round(elapsed, 1),
        **figures(done),
        "reads": figures([d for d in done if d[0] in READS]),
        "writes": figures([d for d in done if d[0] not in READS]),
    }


# ---------------------------------------------------------------- the servers


def _wait_ready(port: int, proc: subprocess.Popen, path: str, headers: dict[str, str]) -> None:
    import httpx

    deadline = time.time() + 120
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server on port {port} exited with {proc.returncode}")
        try:
            response = httpx.get(f"http://127.0.0.1:{port}{path}", headers=headers, timeout=5)
            if response.status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"the server on port {port} did not answer in 120 s")


def start(side: str, url: str, workers: int, scopes: dict[str, Any], log_path: Path) -> Any:
    """Start kht or the bare app on a free loopback port in its own process group."""
    port = free_port()
    env = {
        **os.environ,
        "KHT_DATABASE_URL": url,
        "KHT_SECRET_KEY": SECRET,
        "KHT_SECURE_COOKIES": "0",
        "BENCH_URL": url,
        "BENCH_SCOPES": json.dumps(scopes),
    }
    env.pop("KHT_CONFIG", None)
    address = ["--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    if side == "kht":
        command = [sys.executable, "-m", "kht", "serve", *address]
    else:
        command = [
            sys.executable,
            "-m",
            "uvicorn",
            "bench.serve_bare:build",
            "--factory",
            "--log-level",
            "info",
            *address,
        ]
    log = log_path.open("wb")
    proc = subprocess.Popen(  # noqa: S603
        command,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        cwd=str(Path(__file__).resolve().parent.parent),
    )
    return proc, port, log


def stop(proc: subprocess.Popen, log: Any) -> None:
    """Stop the server and its workers (its own process group, started above)."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    log.close()


# ---------------------------------------------------------------- the parent


def _fixture_file(runtime: Any, n: int, folder: Path) -> tuple[Path, dict[str, Any], Any]:
    from bench.runner import fixture

    fx = fixture(runtime, n)
    data = {
        "headers": fx.headers["rep"],
        "versions": {str(k): v for k, v in fx.versions.items()},
        "opportunities": {str(k): v for k, v in fx.opportunities.items()},
        "open_stages": fx.open_stages,
        "chinese": fx.chinese,
        "pinyin": fx.pinyin,
    }
    path = folder / "load-fixture.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    scopes = {"user_id": fx.rep_id, "owners": {"rep": [fx.rep_id], "mgr": fx.manager_owners}}
    return path, scopes, fx


def run_load(
    url: str, n: int, seconds: float, workers: list[int], threads: int, folder: Path, log: Any
) -> list[dict[str, Any]]:
    """Both apps at each worker count; the data is put back after every run."""
    from bench.generate import settings
    from bench.runner import SalesSnapshot, cleanup
    from kht.runtime import Runtime

    runtime = Runtime.from_settings(settings(url))
    cleanup(runtime.engine, n)
    out = []
    try:
        for count in workers:
            entry: dict[str, Any] = {"workers": count, "threads": threads}
            for side in ("kht", "bare"):
                path, scopes, fx = _fixture_file(runtime, n, folder)
                snapshot = SalesSnapshot(runtime.engine, fx.rep_id)
                proc, port, server_log = start(
                    side,
                    url,
                    count,
                    scopes,
                    Path(f"/tmp/bench-load-{side}-{count}.log"),  # noqa: S108
                )
                try:
                    ready = "/api/v1/customers?page_size=1" if side == "kht" else "/customers/1"
                    _wait_ready(port, proc, ready, fx.headers["rep"] if side == "kht" else {})
                    command = [
                        sys.executable,
                        "-m",
                        "bench.load",
                        "--drive",
                        f"http://127.0.0.1:{port}",
                        side,
                        str(path),
                        str(seconds),
                        str(threads),
                    ]
                    done = subprocess.run(  # noqa: S603
                        command, capture_output=True, text=True, timeout=seconds + 180, check=True
                    )
                    entry[side] = json.loads(done.stdout.strip().splitlines()[-1])
                finally:
                    stop(proc, server_log)
                    snapshot.restore(runtime.engine)
                    cleanup(runtime.engine, n)
                log(
                    f"  {side}, {count} worker(s): {entry[side]['per_s']} req/s, "
                    f"p95 {entry[side]['p95_ms']} ms, {entry[side]['errors']} errors"
                )
            entry["ratio_throughput"] = round(
                entry["kht"]["per_s"] / max(entry["bare"]["per_s"], 0.1), 2
            )
            out.append(entry)
    finally:
        runtime.engine.dispose()
    return out


def table(result: dict[str, Any]) -> str:
    lines = [
        f"{result['backend']}, {result['customers']:,} customers, {result['seconds']} s per run, "
        f"{result['runs'][0]['threads'] if result['runs'] else 0} client threads",
        "",
        "| server workers | kht req/s | kht p95 ms | kht errors | bare req/s | bare p95 ms | "
        "bare errors | kht/bare throughput |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for run in result["runs"]:
        kht, bare = run["kht"], run["bare"]
        lines.append(
            f"| {run['workers']} | {kht['per_s']} | {kht['p95_ms']} | {kht['errors']} | "
            f"{bare['per_s']} | {bare['p95_ms']} | {bare['errors']} | "
            f"{run['ratio_throughput']:.2f}x |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    from bench.__main__ import RESULTS, merge
    from bench.runner import _server_version, machine

    parser = argparse.ArgumentParser(prog="python -m bench load", description=__doc__)
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="sqlite")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--threads", type=int, default=8, help="client threads")
    parser.add_argument("--cache", type=Path, default=CACHE)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    report: dict[str, Any] = {"machine": machine(), "load": []}
    backends = ("sqlite", "postgresql") if args.db == "both" else (args.db,)
    for backend in backends:
        url = ensure_database(args.n, args.seed, backend, args.cache, log=log)
        log(f"{backend}: load, {args.seconds} s per run")
        result = {
            "backend": backend,
            "server_version": _server_version(url),
            "customers": args.n,
            "seconds": args.seconds,
            "mix": dict(MIX),
            "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "runs": run_load(
                url, args.n, args.seconds, args.workers, args.threads, args.cache, log
            ),
        }
        report["load"].append(result)
        print(table(result) + "\n", flush=True)
    merge(args.out, report, "load", ("backend", "customers"))
    print(f"written: {args.out}")
    return report


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--drive":
        base, side, path, seconds, threads = sys.argv[2:7]
        drive(base, side, path, float(seconds), int(threads))
    else:
        main()
