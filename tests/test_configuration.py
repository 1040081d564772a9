"""Configuration comes from the environment; misconfiguration ends with one clear line."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kyodo_office import database

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args, **env):
    # Browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process; a deployment never has it.
    dropped = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    full_env = {k: v for k, v in os.environ.items() if k not in dropped}
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_database_url_must_be_postgresql(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "sqlite:///db.sqlite3")
    with pytest.raises(database.DatabaseConfigError, match="PostgreSQL"):
        database.database_settings()


def test_database_url_must_name_a_database(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://postgres@127.0.0.1:5432")
    with pytest.raises(database.DatabaseConfigError, match="names no database"):
        database.database_settings()


def test_default_database_is_the_local_server(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setattr(database, "_local_socket_running", lambda: False)
    config = database.database_settings()
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("127.0.0.1", 5432, "kyodo_office")


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check", DEBUG="0", SECRET_KEY="", ALLOWED_HOSTS="example.jp")
    assert result.returncode != 0
    assert len(result.stderr.strip().splitlines()) == 1  # one line, no traceback
    assert "SECRET_KEY is not set" in result.stderr


def test_bad_database_url_gives_one_clear_line():
    result = run_manage("check", DATABASE_URL="mysql://user@localhost/portal")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "DATABASE_URL must be a PostgreSQL URL" in result.stderr


def test_database_that_does_not_answer_gives_one_clear_line():
    result = run_manage("migrate", DATABASE_URL="postgres://postgres@127.0.0.1:1/nothing")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "cannot reach PostgreSQL" in result.stderr


def test_deploy_check_with_production_variables_is_clean():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY="x" * 20 + "-production-secret-key-for-the-check-0123456789",
        ALLOWED_HOSTS="kyodo.example.jp",
        CSRF_TRUSTED_ORIGINS="https://kyodo.example.jp",
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues" in result.stdout
