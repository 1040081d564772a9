"""Real app servers for tests: gunicorn with the project's config (``gunicorn.conf.py``) on the
test database, as the README's deployment runs it, and a person's browser that signs in and
posts forms with their cookies and CSRF token.

``start_servers`` starts them without waiting (the test builds its data meanwhile);
``wait_until_answering`` waits for each one's ``/healthz`` and fails with a clear message (the
server's own log) when one exits or does not answer in time; ``stop_servers`` ends them.

The servers travel with the test's clock (tests/clock.py): under a travelled clock each one
starts with time-machine at the test's present moment, so that "today", the booking rules and
the kept grids' dates agree between the test and the servers (time-machine's patches survive
gunicorn's fork of the worker). PostgreSQL's clock does not travel; no request made here reads
it.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from django.conf import settings as django_settings

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "gunicorn.conf.py"
# gunicorn's own entry point, after time-machine travelled to the moment given as the first
# argument (a POSIX timestamp); the rest are gunicorn's arguments.
TRAVELLING_GUNICORN = (
    "import sys, time_machine; "
    "time_machine.travel(float(sys.argv.pop(1)), tick=True).start(); "
    "from gunicorn.app.wsgiapp import run; sys.exit(run())"
)
STARTUP_SECONDS = 40
REQUEST_SECONDS = 20
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
)


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen
    log: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base + path

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def describe(self) -> str:
        return f"server {self.name} (127.0.0.1:{self.port}); its log ends:\n{self.log_tail()}"


def free_ports(count: int) -> list[int]:
    """``count`` different free ports (all held open at once while chosen)."""
    sockets = []
    try:
        for _ in range(count):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            sockets.append(s)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def _database_url() -> str:
    db = django_settings.DATABASES["default"]
    user = db["USER"] or "postgres"
    if db.get("PASSWORD"):
        user += f":{db['PASSWORD']}"
    return f"postgresql://{user}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def start_servers(
    names: tuple[str, ...], *, log_dir: Path, travel_to: float | None = None, env=None
) -> list[Server]:
    """One gunicorn (one sync worker) per name, each on its own port, all on the test
    database; not waited for."""
    # The project's settings, as deployed (pytest-django put the tests' settings in os.environ).
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    base_env = {
        **inherited,
        "DATABASE_URL": _database_url(),
        "DEBUG": "1",
        "GUNICORN_WORKERS": "1",
        **(env or {}),
    }
    gunicorn_args = ["-c", str(CONFIG), "kyodo_office.wsgi", "--no-control-socket"]
    if travel_to is None:
        prefix = [str(Path(sys.executable).parent / "gunicorn")]
    else:
        prefix = [sys.executable, "-c", TRAVELLING_GUNICORN, repr(travel_to)]
    servers = []
    for name, port in zip(names, free_ports(len(names)), strict=True):
        log = log_dir / f"gunicorn-{name}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                [*prefix, *gunicorn_args],
                cwd=ROOT,
                env={**base_env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        servers.append(Server(name, port, process, log))
    return servers


def wait_until_answering(servers: list[Server], timeout: float = STARTUP_SECONDS) -> None:
    """Each server's /healthz answers 200, or the test fails saying which and why."""
    deadline = time.monotonic() + timeout
    waiting = list(servers)
    while waiting:
        for server in list(waiting):
            if server.process.poll() is not None:
                pytest.fail(
                    f"{server.name} exited with {server.process.returncode} before answering: "
                    + server.describe()
                )
            try:
                if requests.get(server.url("/healthz"), timeout=2).status_code == 200:
                    waiting.remove(server)
            except requests.RequestException:
                pass
        if waiting and time.monotonic() > deadline:
            pytest.fail(
                f"no answer from /healthz within {timeout:.0f} s: "
                + "\n".join(s.describe() for s in waiting)
            )
        if waiting:
            time.sleep(0.2)


def stop_servers(servers: list[Server]) -> None:
    """SIGTERM (gunicorn's graceful stop; the workers write their page views), then wait."""
    for server in servers:
        if server.process.poll() is None:
            server.process.send_signal(signal.SIGTERM)
    for server in servers:
        try:
            server.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(timeout=10)


def _main(html: str) -> str:
    """The page's main content (what a person reads), for failure messages."""
    start = html.find("<main")
    return html[start : start + 3000] if start >= 0 else html[:3000]


class Browser:
    """One person's browser: their cookies (the session, the CSRF cookie), a phone's headers,
    Japanese first. The cookies are the host's (127.0.0.1), whichever server answered, as a
    browser keeps them for one site behind a load balancer."""

    def __init__(self, name: str):
        self.name = name
        self.session = requests.Session()
        self.session.headers.update(
            {
                "User-Agent": PHONE,
                "Accept": "text/html,application/xhtml+xml,*/*;q=0.8",
                "Accept-Language": "ja-JP,ja;q=0.9",
            }
        )

    def get(self, server: Server, path: str) -> requests.Response:
        return self.session.get(server.url(path), timeout=REQUEST_SECONDS, allow_redirects=False)

    def post(self, server: Server, path: str, data: dict, *, page: str) -> requests.Response:
        """POST ``data`` with the CSRF token of ``page`` (the HTML of the form's page)."""
        match = CSRF_FIELD.search(page)
        assert match, f"{self.name}: no CSRF token in the form's page on {server.name}"
        return self.session.post(
            server.url(path),
            data={"csrfmiddlewaretoken": match.group(1), **data},
            headers={"Referer": server.url(path)},
            timeout=REQUEST_SECONDS,
            allow_redirects=False,
        )

    def sign_in(self, server: Server, email: str, password: str) -> None:
        form = self.get(server, "/accounts/login/")
        assert form.status_code == 200, (
            self.name,
            server.name,
            form.status_code,
            server.log_tail(),
        )
        answer = self.post(
            server,
            "/accounts/login/",
            {"login": email, "password": password},
            page=form.text,
        )
        assert answer.status_code == 302, (
            f"{self.name} could not sign in on {server.name}: {answer.status_code}",
            _main(answer.text),
        )
