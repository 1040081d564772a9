"""Where the portal's PostgreSQL database is, and how to get one on a fresh machine.

Settings call :func:`database_settings` (cheap, no network). ``python -m kyodo_office.database``
(run by ``make run`` and ``make test``) makes sure a server answers and the database exists:
it uses the server on 127.0.0.1:5432 when one answers, and otherwise starts a project-local
cluster under ``.local/postgres`` on a Unix socket, when PostgreSQL's server programs are installed.
"""

from __future__ import annotations

import glob
import os
import select
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import dj_database_url
import psycopg
from django.core.signals import request_started
from psycopg import sql

BASE_DIR = Path(__file__).resolve().parent.parent
LOCAL_CLUSTER = BASE_DIR / ".local" / "postgres"
LOCAL_DATA = LOCAL_CLUSTER / "data"
LOCAL_SOCKET_DIR = LOCAL_CLUSTER / "run"
LOCAL_PORT = 5432
DEFAULT_NAME = "kyodo_office"
DEFAULT_URL = f"postgres://postgres@127.0.0.1:5432/{DEFAULT_NAME}"


class DatabaseConfigError(Exception):
    """A misconfiguration that deserves one clear line, not a traceback."""


def _local_socket_running() -> bool:
    return (LOCAL_SOCKET_DIR / f".s.PGSQL.{LOCAL_PORT}").exists()


def database_url() -> str:
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        return url
    if _local_socket_running():
        return f"postgres://postgres@/{DEFAULT_NAME}?host={LOCAL_SOCKET_DIR}&port={LOCAL_PORT}"
    return DEFAULT_URL


def database_settings() -> dict:
    url = database_url()
    scheme = urlparse(url).scheme
    if scheme not in {"postgres", "postgresql", "pgsql"}:
        raise DatabaseConfigError(
            f"DATABASE_URL must be a PostgreSQL URL such as {DEFAULT_URL} (got scheme {scheme!r})."
        )
    try:
        # Health checks off: Django's send a `SELECT 1` round trip at the start of every request
        # on a kept connection (issue #20: the framework floor); drop_dead_connections checks the
        # same thing without asking the server.
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=False)
    except ValueError as exc:
        raise DatabaseConfigError(f"DATABASE_URL cannot be read: {exc}") from exc
    if not config.get("NAME"):
        raise DatabaseConfigError(f"DATABASE_URL names no database (e.g. {DEFAULT_URL}).")
    options = config.setdefault("OPTIONS", {})
    options["connect_timeout"] = 5
    # Parameters bound by the server, so that psycopg prepares a statement a connection runs
    # again (from its second run): the server then parses and plans it once per connection,
    # not on every request (issue #20: half the time of the booking POST's statements). Off
    # with DATABASE_SERVER_SIDE_BINDING=0.
    # (kyodo_office.postgres: Django's backend with bulk writes cut to the protocol's limit of
    # parameters in one statement, which server-side binding brings.)
    if os.environ.get("DATABASE_SERVER_SIDE_BINDING", "1") != "0":
        options["server_side_binding"] = True
        options["prepare_threshold"] = 2
    config["ENGINE"] = "kyodo_office.postgres"
    return config


# --- a kept connection the server has dropped is not used again -------------------------------


def _server_hung_up(raw) -> bool:
    """Whether the server has closed (or is closing) an idle connection, without a round trip.

    Between requests a kept connection is idle: the server sends nothing unless it ends the
    session (a restart, ``pg_terminate_backend``, ``idle_session_timeout``: a FATAL message,
    then the end of the stream), so anything waiting to be read means it is gone. Polling the
    socket costs one system call instead of Django's ``SELECT 1`` (CONN_HEALTH_CHECKS)."""
    if raw.closed or raw.broken:
        return True
    try:
        poll = select.poll()  # not select.select: it refuses descriptors above 1023
        poll.register(raw.fileno(), select.POLLIN)
        return bool(poll.poll(0))
    except (OSError, ValueError, psycopg.Error):
        return True


def drop_dead_connections(**kwargs) -> None:
    """At the start of a request, close this thread's kept connections the server has dropped,
    so the request's first query opens a new one (as CONN_HEALTH_CHECKS did, without its query).
    If PostgreSQL is down, that new connection fails with psycopg's own clear error."""
    from django.db import connections

    for conn in connections.all(initialized_only=True):
        raw = conn.connection
        if raw is None or conn.in_atomic_block:
            continue
        if _server_hung_up(raw):
            conn.close()


request_started.connect(drop_dead_connections, dispatch_uid="kyodo_drop_dead_connections")


# --- preparing a server (used by `make run` / `make test`, never at import time) -----------------


def _connect_params(config: dict, dbname: str) -> dict:
    params = {
        "dbname": dbname,
        "user": config.get("USER") or "postgres",
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
        "connect_timeout": 3,
    }
    if config.get("PASSWORD"):
        params["password"] = config["PASSWORD"]
    return {k: v for k, v in params.items() if v is not None}


def _server_answers(config: dict) -> bool:
    try:
        with psycopg.connect(**_connect_params(config, "postgres")):
            return True
    except psycopg.OperationalError:
        return False


def _pg_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    return candidates[0] if candidates else None


def _as_postgres_user(cmd: list[str]) -> list[str]:
    # initdb refuses to run as root; run the cluster as the `postgres` system user then.
    if os.geteuid() == 0:
        return ["su", "postgres", "-s", "/bin/sh", "-c", " ".join(cmd)]
    return cmd


def start_local_cluster() -> None:
    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    if not (initdb and pg_ctl):
        raise DatabaseConfigError(
            "No PostgreSQL answers on 127.0.0.1:5432 and PostgreSQL's server programs are not "
            "installed. Install them (Debian: `apt-get install postgresql`) or set DATABASE_URL "
            f"(e.g. {DEFAULT_URL})."
        )
    LOCAL_SOCKET_DIR.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(LOCAL_CLUSTER, "postgres")
        shutil.chown(LOCAL_SOCKET_DIR, "postgres")
    if not (LOCAL_DATA / "PG_VERSION").exists():
        print(f"Creating a project-local PostgreSQL cluster in {LOCAL_DATA}")
        subprocess.run(
            _as_postgres_user([initdb, "-D", str(LOCAL_DATA), "-U", "postgres", "--auth=trust"]),
            check=True,
            stdout=subprocess.DEVNULL,
        )
    options = f"-p {LOCAL_PORT} -k {LOCAL_SOCKET_DIR} -c listen_addresses=''"
    subprocess.run(
        _as_postgres_user(
            [
                pg_ctl,
                "-D",
                str(LOCAL_DATA),
                "-o",
                f'"{options}"',
                "-l",
                str(LOCAL_CLUSTER / "server.log"),
                "-w",
                "start",
            ]
        ),
        check=True,
        stdout=subprocess.DEVNULL,
    )


def ensure_database() -> str:
    """Make sure a server answers and the configured database exists; return its URL."""
    config = database_settings()
    if not _server_answers(config):
        if os.environ.get("DATABASE_URL"):
            raise DatabaseConfigError(
                f"PostgreSQL at DATABASE_URL does not answer ({config.get('HOST')}:"
                f"{config.get('PORT') or 5432}). Start the server or correct DATABASE_URL."
            )
        start_local_cluster()
        config = database_settings()
        if not _server_answers(config):
            raise DatabaseConfigError(
                f"The project-local PostgreSQL did not start; see {LOCAL_CLUSTER / 'server.log'}."
            )
    with psycopg.connect(**_connect_params(config, "postgres"), autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]
        ).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))
            print(f"Created database {config['NAME']}")
    return database_url()


def main() -> int:
    try:
        url = ensure_database()
    except DatabaseConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"PostgreSQL ready: {url}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
