"""Backups: dump the database and archive the uploads, restore both into a fresh database and
fresh folders, and find every row and every file again (tools/backup.py, `make backup`)."""

from __future__ import annotations

import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from psycopg import sql

from tools.backup import BackupSet, backup, libpq_url, restore

pytestmark = pytest.mark.slow


def url_for(name: str) -> str:
    db = settings.DATABASES["default"]
    return (
        f"postgresql://{db.get('USER') or 'postgres'}@{db.get('HOST') or '127.0.0.1'}:"
        f"{db.get('PORT') or 5432}/{name}"
    )


def table_digests(database_url: str) -> dict[str, str]:
    """An md5 of every table's full content (rows in a stable order)."""
    with psycopg.connect(libpq_url(database_url)) as conn:
        tables = [
            r[0]
            for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        ]
        return {
            t: conn.execute(
                sql.SQL(
                    "SELECT md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) FROM {} x"
                ).format(sql.Identifier(t))
            ).fetchone()[0]
            for t in tables
        }


@pytest.fixture
def fresh_database():
    name = f"{settings.DATABASES['default']['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    admin_url = url_for("postgres")
    with psycopg.connect(libpq_url(admin_url), autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield url_for(name)
    with psycopg.connect(libpq_url(admin_url), autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def test_a_backup_restores_every_row_and_every_file(tmp_path, fresh_database, demo_database):
    # Years of the demo office, seeded once for the session (tests/fixtures_years.py) and only
    # read here: the backup reads the database from outside, so this test needs no django_db.
    media, private = Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_MEDIA_ROOT)
    uploads = {
        media / "groups" / "photos" / "活動写真.jpg": b"\xff\xd8\xff\xe0 photo bytes",
        media / "newsletter" / "2026-04.pdf": b"%PDF-1.4 newsletter %%EOF",
        private / "groups" / "rules" / "規約.pdf": b"%PDF-1.4 rules %%EOF",
    }
    for path, data in uploads.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    source_url = url_for(settings.DATABASES["default"]["NAME"])
    before = table_digests(source_url)
    assert sum(1 for t in before if t.startswith("accounts_")), "the source has the portal's tables"

    made = backup(
        database_url=source_url,
        media_root=media,
        private_root=private,
        out_dir=tmp_path / "backups",
        name="kyodo-test",
    )
    assert made.dump.stat().st_size > 0 and made.files.exists() and made.manifest.exists()

    new_media, new_private = tmp_path / "restored-media", tmp_path / "restored-private"
    report = restore(
        source=BackupSet.named(tmp_path / "backups" / "kyodo-test"),
        database_url=fresh_database,
        media_root=new_media,
        private_root=new_private,
    )
    assert report == {"tables_differing": {}, "files_missing_or_changed": []}
    assert table_digests(fresh_database) == before
    for path, data in uploads.items():
        root, new_root = (media, new_media) if media in path.parents else (private, new_private)
        assert (new_root / path.relative_to(root)).read_bytes() == data


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_that_is_not_empty(tmp_path):
    source_url = url_for(settings.DATABASES["default"]["NAME"])
    made = backup(
        database_url=source_url,
        media_root=tmp_path / "m",
        private_root=tmp_path / "p",
        out_dir=tmp_path,
        name="b",
    )
    with pytest.raises(SystemExit, match="already has tables"):
        restore(
            source=made,
            database_url=source_url,
            media_root=tmp_path / "m2",
            private_root=tmp_path / "p2",
        )
