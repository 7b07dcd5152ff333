"""`python -m bench.mass_mail --n 10000`: a mass mail of N recipients through kht's worker
path, next to a bare smtplib loop handing the same number of mails to the same SMTP server.

Both sides talk to one aiosmtpd server in this process's thread that only counts what it
receives, so "bare" is the SMTP server's own rate with a minimal client: one connection,
prebuilt small messages. kht's side is the whole path: `send_mass` picks the recipients
through the admin's scope and stores them, then the worker's `run` fills each recipient's
template as the sender, writes the outbox in chunks of 200 with tracked links, headers and
the HTML part, sends over SMTP, and copies the outcomes back onto the recipients.

Each size runs in a child process of its own, so its peak memory (`ru_maxrss`) is its own:
N/10 and N show whether memory grows with the recipients (it should stay flat: recipients
are read and written in chunks).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import smtplib
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

from bench.generate import _customers, _people, settings

BODY = "您好 {{ customer.name }}：\n\n新品介绍见 https://example.com/new?id={{ customer.id }} 。\n"


class Counter:
    """An SMTP handler that only counts."""

    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.count += 1
        return "250 OK"


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _database(folder: Path, n: int) -> Any:
    """A fresh SQLite kht with `n` customers (each with an address) and its runtime."""
    os.environ.setdefault("KHT_INSECURE_FAST_PASSWORD_HASHING", "1")
    from kht.runtime import Runtime

    runtime = Runtime.from_settings(settings(f"sqlite:///{folder / 'mass.db'}"))
    runtime.migrate()
    with runtime.ctx() as ctx:
        user_ids, admin_id = _people(ctx)
    with runtime.engine.begin() as connection:
        _customers(connection, random.Random(1), n, user_ids)
    return runtime, admin_id


def _kht(n: int, port: int) -> dict[str, Any]:
    from kht.auth.principal import load_principal
    from kht.db.base import utcnow
    from kht.mail.mass import send_mass, stats
    from kht.mail.mass_batches import run
    from kht.mail.schemas import MassSendIn, TemplateIn
    from kht.mail.templating import create_template

    with tempfile.TemporaryDirectory() as folder:
        runtime, admin_id = _database(Path(folder), n)
        runtime.settings.smtp_host, runtime.settings.smtp_port = "127.0.0.1", port
        runtime.settings.smtp_starttls, runtime.settings.smtp_from = False, "news@kht.example"
        with runtime.ctx() as ctx:
            ctx.user = load_principal(ctx.session, admin_id)
            template = create_template(ctx, TemplateIn(name="新品", subject="新品", body=BODY))
            template_id = template.id
        started = time.perf_counter()
        # The send's own commit starts the first batch; the worker's minutes do the rest.
        with runtime.ctx() as ctx:
            ctx.user = load_principal(ctx.session, admin_id)
            data = MassSendIn(template_id=template_id, kind="customer", rate_per_minute=2000)
            send_id = send_mass(ctx, data).id
        picked = time.perf_counter() - started
        minute = 0
        while True:
            minute += 1
            with runtime.ctx() as ctx:
                figures = stats(ctx, [send_id])[send_id]
            if figures.pending == 0 and figures.queued == 0:
                break
            run(
                runtime.engine,
                runtime.settings,
                runtime.plugins(),
                utcnow() + timedelta(minutes=minute),
            )
        seconds = time.perf_counter() - started
    return {"seconds": seconds, "pick_seconds": picked, "sent": figures.sent, "minutes": minute}


def _bare(n: int, port: int) -> dict[str, Any]:
    message = EmailMessage()
    message["From"], message["Subject"] = "news@kht.example", "新品"
    message.set_content("您好：新品介绍见 https://example.com/new 。")
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as smtp:
        for i in range(n):
            del message["To"]
            message["To"] = f"info{i}@example.com"
            smtp.send_message(message)
    return {"seconds": time.perf_counter() - started, "sent": n}


def child(side: str, n: int) -> dict[str, Any]:
    """One measurement in this process: `kht` or `bare`, N recipients."""
    counter = Counter()
    port = _free_port()
    controller = Controller(counter, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        result = (_kht if side == "kht" else _bare)(n, port)
    finally:
        controller.stop()
    result.update(
        side=side,
        n=n,
        received=counter.count,
        rate_per_second=round(n / result["seconds"], 1),
        peak_rss_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10000)
    parser.add_argument("--child", choices=["kht", "bare"])
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.n)))
        return
    results = []
    for side, n in (("bare", args.n), ("kht", args.n // 10), ("kht", args.n)):
        answer = subprocess.run(
            [sys.executable, "-m", "bench.mass_mail", "--child", side, "--n", str(n)],
            check=True,
            capture_output=True,
            text=True,
        )
        results.append(json.loads(answer.stdout.strip().splitlines()[-1]))
        print(json.dumps(results[-1]), flush=True)
    out = Path(__file__).parent / "results" / "mass_mail.json"
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
