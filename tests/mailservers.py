"""Real mail servers for tests: aiosmtpd for SMTP, Debian's dovecot-imapd for IMAP.

`smtp` gives an aiosmtpd server on a free port and the list of what it received. `dovecot`
starts one dovecot per test process (pytest-xdist workers each get their own) with a
throwaway configuration, user list and maildirs in a temporary folder on a free port (never
the system's service), and `dovecot.user()` adds a fresh mailbox for each test.
Install dovecot with scripts/install_system_packages.sh.
"""

from __future__ import annotations

import getpass
import grp
import itertools
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from email import message_from_bytes
from email.policy import default
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from imap_tools import MailBoxUnencrypted


class Inbox:
    """An aiosmtpd handler keeping every message it receives."""

    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        message = message_from_bytes(envelope.content, policy=default)
        self.messages.append((envelope.rcpt_tos, message))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp() -> Iterator[tuple[Controller, Inbox]]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
instance_name = kht-test-{port}
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {internal}
default_login_user = {login_user}
first_valid_uid = 1
mail_location = maildir:~/Maildir
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
"""


USERS = 500


class Dovecot:
    """A private dovecot: `host`, `port`, `user()` for a new mailbox, `deliver()` to put a
    raw message into one (IMAP APPEND), `stop()`/`start()` to take it down and back."""

    host = "127.0.0.1"

    def __init__(self) -> None:
        binary = shutil.which("dovecot") or "/usr/sbin/dovecot"
        if not Path(binary).exists():
            pytest.fail("dovecot is not installed: run scripts/install_system_packages.sh")
        self.binary = binary
        self.root = Path(tempfile.mkdtemp(prefix="kht-dovecot-"))
        self.root.chmod(0o755)  # the mail user (nobody, when run as root) walks into it
        (self.root / "home").mkdir(mode=0o777)
        (self.root / "home").chmod(0o777)
        # Every mailbox exists before the start: dovecot notices a changed user list only
        # when the file's time has moved by a second, which two tests can beat.
        self._users = [(f"user{n}", secrets.token_urlsafe(12)) for n in range(USERS)]
        lines = "".join(f"{login}:{{PLAIN}}{password}\n" for login, password in self._users)
        (self.root / "users").write_text(lines)
        self.port = free_port()
        if os.geteuid() == 0:
            internal, login_user, uid, gid = "dovecot", "dovenull", "nobody", "nogroup"
        else:  # an unprivileged dovecot runs every process as the test's user
            me = getpass.getuser()
            internal = login_user = me
            uid, gid = str(os.getuid()), grp.getgrgid(os.getgid()).gr_name
        config = CONFIG.format(
            root=self.root,
            port=self.port,
            internal=internal,
            login_user=login_user,
            uid=uid,
            gid=gid,
        )
        self.config = self.root / "dovecot.conf"
        self.config.write_text(config)
        self._numbers = itertools.count()
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "-F", "-c", str(self.config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"dovecot exited: {self.process.stderr.read().decode()}")
            try:
                with socket.create_connection((self.host, self.port), timeout=1) as probe:
                    if probe.recv(64).startswith(b"* OK"):
                        return
            except OSError:
                time.sleep(0.05)  # polling the port until dovecot answers
        raise RuntimeError("dovecot did not start listening")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)
        self.process = None

    def user(self) -> tuple[str, str]:
        """A new, empty mailbox: (login, password)."""
        number = next(self._numbers)
        if number >= USERS:
            raise RuntimeError(f"the test dovecot has {USERS} mailboxes; raise USERS")
        return self._users[number]

    def deliver(self, login: str, password: str, raw: bytes, folder: str = "INBOX") -> None:
        """Put a raw message into the mailbox, as a mail server's delivery would."""
        with MailBoxUnencrypted(self.host, self.port).login(login, password, None) as box:
            if not box.folder.exists(folder):
                box.folder.create(folder)
            box.append(raw, folder)

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="session")
def dovecot() -> Iterator[Dovecot]:
    server = Dovecot()
    server.start()
    yield server
    server.close()
