"""Backups of the whole site (database and media) that restore into an empty installation.

SQLite is copied with its online backup API, page by page, so readers and commenters carry on
while it runs and the copy is one consistent moment. PostgreSQL is dumped by `pg_dump`, which
reads one snapshot. Media files are read through the storage (local disk or a bucket) and packed
into a tar archive beside the database; a restore writes them back through the storage.
"""

import datetime
import json
import os
import posixpath
import shutil
import sqlite3
import subprocess  # noqa: S404 (pg_dump and pg_restore, with argument lists)
import tarfile
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import storages
from django.db import connection

from . import pages

SQLITE_FILE = "db.sqlite3"
POSTGRES_FILE = "db.dump"
MEDIA_FILE = "media.tar.gz"
MANIFEST_FILE = "manifest.json"


class BackupError(Exception):
    pass


def _database():
    return settings.DATABASES["default"]


def _pg_env(db):
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return env


def _pg_args(db):
    args = []
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            args += [flag, str(db[key])]
    return args


def _run(command, env=None):
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip() or result.returncode}")


def backup(destination):
    """Write a backup folder under `destination`; returns its path."""
    stamp = datetime.datetime.now(tz=datetime.UTC).strftime("%Y%m%d-%H%M%S-%f")
    folder = Path(destination) / f"backup-{stamp}"
    folder.mkdir(parents=True)
    db = _database()
    if connection.vendor == "sqlite":
        source = sqlite3.connect(str(db["NAME"]))
        target = sqlite3.connect(str(folder / SQLITE_FILE))
        try:
            with target:
                source.backup(target, pages=256)
        finally:
            target.close()
            source.close()
    elif connection.vendor == "postgresql":
        command = ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", *_pg_args(db)]
        _run([*command, "--file", str(folder / POSTGRES_FILE), db["NAME"]], env=_pg_env(db))
    else:
        raise BackupError(f"Backups of {connection.vendor} databases are not supported.")
    with tarfile.open(folder / MEDIA_FILE, "w:gz") as archive:
        pack_media(archive, storages["default"])
    manifest = {"database": connection.vendor, "taken_at": stamp}
    (folder / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2))
    return folder


def _is_empty():
    """No table of ours holds a row (migrations alone may have run)."""
    tables = set(connection.introspection.table_names())
    return "blog_post" not in tables or not _has_rows("blog_post")


def _has_rows(table):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")  # noqa: S608
        return cursor.fetchone() is not None


def restore(folder, *, force=False):
    """Restore the backup in `folder` into this installation, which must be empty."""
    folder = Path(folder)
    manifest_path = folder / MANIFEST_FILE
    if not manifest_path.is_file():
        raise BackupError(f"{folder} is not a backup: it has no {MANIFEST_FILE}.")
    manifest = json.loads(manifest_path.read_text())
    if manifest["database"] != connection.vendor:
        raise BackupError(
            f"This backup is of a {manifest['database']} database; this site uses "
            f"{connection.vendor}."
        )
    if not force and not _is_empty():
        raise BackupError("This site already has posts: restore into an empty installation.")
    db = _database()
    if connection.vendor == "sqlite":
        connection.close()
        target = Path(db["NAME"])
        for suffix in ("-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(folder / SQLITE_FILE, target)
    else:
        connection.close()
        command = ["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges"]
        _run(
            [*command, *_pg_args(db), "--dbname", db["NAME"], str(folder / POSTGRES_FILE)],
            env=_pg_env(db),
        )
    with tarfile.open(folder / MEDIA_FILE, "r:gz") as archive:
        unpack_media(archive, storages["default"])
    pages.move(pages.CONTENT, pages.POSTS)  # pages cached before the restore show what is gone
    return manifest


def stored_names(storage, folder=""):
    """Every file name in `storage` under `folder`, through the storage API alone."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # a local MEDIA_ROOT that was never created
        return
    for name in sorted(files):
        yield posixpath.join(folder, name)
    for name in sorted(folders):
        yield from stored_names(storage, posixpath.join(folder, name))


def pack_media(archive, storage):
    for name in stored_names(storage):
        info = tarfile.TarInfo(f"media/{name}")
        info.size = storage.size(name)
        info.mtime = int(datetime.datetime.now(tz=datetime.UTC).timestamp())
        with storage.open(name, "rb") as handle:
            archive.addfile(info, handle)


def unpack_media(archive, storage):
    for member in archive:
        if not member.isfile() or not member.name.startswith("media/"):
            continue
        name = member.name.removeprefix("media/")
        if storage.exists(name):
            storage.delete(name)
        # The storage refuses names that would leave it ("../"), as for any upload.
        saved = storage.save(name, File(archive.extractfile(member), name=name))
        if saved != name:
            raise BackupError(f"{name} was stored as {saved}.")
