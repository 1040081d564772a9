"""Back up and restore the portal: the PostgreSQL database and the uploaded files.

    python tools/backup.py backup [--dir backups]
    python tools/backup.py restore backups/kyodo-20260401T020000 [--database-url URL] [--clean]

A backup is three files sharing one name in the backup folder (git-ignored `backups/`):

- ``NAME.dump``: ``pg_dump --format=custom`` of the whole database (restore with pg_restore);
- ``NAME.files.tar.gz``: MEDIA_ROOT as ``media/`` and PRIVATE_MEDIA_ROOT as ``private_media/``;
- ``NAME.json``: a manifest (when, row count of every table, SHA-256 of every file) that
  ``restore`` checks the result against.

The database and folders come from the portal's settings (DATABASE_URL, MEDIA_ROOT,
PRIVATE_MEDIA_ROOT); restore refuses a database that already has tables unless ``--clean``
(which drops the objects the dump contains first). The dump and the manifest's row counts come
from one snapshot, so they agree even while the portal is in use; files uploaded while the
archive is being written may or may not be in it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FILE_ROOTS = ("media", "private_media")


@dataclass
class BackupSet:
    dump: Path
    files: Path
    manifest: Path

    @classmethod
    def named(cls, base: Path) -> BackupSet:
        base = Path(str(base).removesuffix(".dump").removesuffix(".json"))
        return cls(Path(f"{base}.dump"), Path(f"{base}.files.tar.gz"), Path(f"{base}.json"))


def libpq_url(database_url: str) -> str:
    """dj-database-url accepts postgres://; libpq wants postgresql:// (both work, be explicit)."""
    if database_url.startswith("postgres://"):
        return "postgresql://" + database_url.removeprefix("postgres://")
    return database_url


def _count_rows(conn) -> dict[str, int]:
    from psycopg import sql

    tables = [
        row[0]
        for row in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
    ]
    return {
        table: conn.execute(
            sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
        ).fetchone()[0]
        for table in tables
    }


def table_counts(database_url: str) -> dict[str, int]:
    import psycopg

    with psycopg.connect(libpq_url(database_url)) as conn:
        return _count_rows(conn)


def file_hashes(roots: dict[str, Path]) -> dict[str, str]:
    hashes = {}
    for label, root in roots.items():
        if not root.exists():
            continue
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            hashes[f"{label}/{path.relative_to(root).as_posix()}"] = digest
    return hashes


def backup(
    *, database_url: str, media_root: Path, private_root: Path, out_dir: Path, name: str = ""
) -> BackupSet:
    out_dir.mkdir(parents=True, exist_ok=True)
    name = name or "kyodo-" + dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    target = BackupSet.named(out_dir / name)
    import psycopg

    # The row counts of the manifest and the dump come from one exported snapshot, so they
    # agree exactly even while the portal keeps writing.
    with psycopg.connect(libpq_url(database_url)) as conn:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        with conn.transaction():
            snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
            counts = _count_rows(conn)
            subprocess.run(
                [
                    "pg_dump",
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot}",
                    f"--file={target.dump}",
                    libpq_url(database_url),
                ],
                check=True,
            )
    roots = {"media": Path(media_root), "private_media": Path(private_root)}
    with tarfile.open(target.files, "w:gz") as archive:
        for label, root in roots.items():
            if root.exists():
                archive.add(root, arcname=label)
            else:
                info = tarfile.TarInfo(label)
                info.type = tarfile.DIRTYPE
                info.mode = 0o755
                archive.addfile(info)
    manifest = {
        "created": dt.datetime.now(dt.UTC).isoformat(),
        "tables": counts,
        "files": file_hashes(roots),
    }
    target.manifest.write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n")
    return target


def _database_is_empty(database_url: str) -> bool:
    return not table_counts(database_url)


def restore(
    *,
    source: BackupSet,
    database_url: str,
    media_root: Path,
    private_root: Path,
    clean: bool = False,
) -> dict:
    """Restore a backup set; return what was found again compared with the manifest."""
    for part in (source.dump, source.files, source.manifest):
        if not part.exists():
            raise SystemExit(f"{part} is missing: a backup is .dump + .files.tar.gz + .json")
    if not clean and not _database_is_empty(database_url):
        raise SystemExit(
            "The target database already has tables. Restore into an empty database, or pass "
            "--clean to drop the objects the backup contains first."
        )
    args = ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error"]
    if clean:
        args += ["--clean", "--if-exists"]
    subprocess.run([*args, f"--dbname={libpq_url(database_url)}", str(source.dump)], check=True)

    roots = {"media": Path(media_root), "private_media": Path(private_root)}
    with tempfile.TemporaryDirectory() as tmp, tarfile.open(source.files, "r:gz") as archive:
        archive.extractall(tmp, filter="data")  # refuses absolute paths, links out, devices
        for label, root in roots.items():
            extracted = Path(tmp) / label
            if extracted.exists():
                root.mkdir(parents=True, exist_ok=True)
                shutil.copytree(extracted, root, dirs_exist_ok=True)
    return verify(source, database_url=database_url, roots=roots)


def verify(source: BackupSet, *, database_url: str, roots: dict[str, Path]) -> dict:
    manifest = json.loads(source.manifest.read_text())
    counts = table_counts(database_url)
    hashes = file_hashes(roots)
    return {
        "tables_differing": {
            t: (n, counts.get(t)) for t, n in manifest["tables"].items() if counts.get(t) != n
        },
        "files_missing_or_changed": sorted(
            f for f, digest in manifest["files"].items() if hashes.get(f) != digest
        ),
    }


def _settings():
    sys.path.insert(0, str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kyodo_office.settings")
    import django
    from django.conf import settings

    django.setup()
    from kyodo_office.database import database_url

    return settings, database_url()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("backup", help="dump the database and archive the uploads")
    make.add_argument("--dir", default=str(REPO / "backups"), help="where to write (backups/)")
    back = commands.add_parser("restore", help="restore a backup into an empty database")
    back.add_argument("name", help="the backup's path without extension (or its .dump)")
    back.add_argument("--database-url", help="target database (default: DATABASE_URL)")
    back.add_argument("--clean", action="store_true", help="drop existing objects first")
    args = parser.parse_args(argv)

    settings, url = _settings()
    if args.command == "backup":
        result = backup(
            database_url=url,
            media_root=Path(settings.MEDIA_ROOT),
            private_root=Path(settings.PRIVATE_MEDIA_ROOT),
            out_dir=Path(args.dir),
        )
        print(f"Backup written: {result.dump}, {result.files}, {result.manifest}")
        return 0
    target_url = args.database_url or url
    subprocess.run(
        [sys.executable, "-m", "kyodo_office.database"],
        cwd=REPO,
        env={**os.environ, "DATABASE_URL": target_url},
        check=True,
    )
    report = restore(
        source=BackupSet.named(Path(args.name)),
        database_url=target_url,
        media_root=Path(settings.MEDIA_ROOT),
        private_root=Path(settings.PRIVATE_MEDIA_ROOT),
        clean=args.clean,
    )
    if report["tables_differing"] or report["files_missing_or_changed"]:
        print(f"Restored, but it differs from the manifest: {report}", file=sys.stderr)
        return 1
    print("Restored: every table has its rows and every file is back, as the manifest says.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
