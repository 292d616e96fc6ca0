"""A backup's manifest: what it holds, with checksums, read back and verified."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from jobhub.backup.errors import BackupError
from jobhub.storage import StorageError, validate_key
from jobhub.storage.base import CHUNK_SIZE

FORMAT = "jobhub-backup/1"
MANIFEST = "manifest.json"
CHECKSUMS = "SHA256SUMS"
DUMP = "database.dump"
FILES = "files"


@dataclass
class FileEntry:
    """One stored file: the row that owns it and the copy in the backup."""

    table: str
    row_id: int
    key: str
    backend: str
    content_type: str
    size_bytes: int
    sha256: str

    @property
    def path(self) -> str:
        return f"{FILES}/{self.key}"


@dataclass
class Manifest:
    created_at: str
    alembic_revision: str | None
    server_version: str
    pg_dump_version: str
    dump_sha256: str
    dump_size_bytes: int
    row_counts: dict[str, int]
    files: list[FileEntry] = field(default_factory=list)
    # Rows whose file was deleted while the backup ran (the row is gone now too).
    deleted_meanwhile: list[FileEntry] = field(default_factory=list)
    # Files left out: missing from storage or failing their checksum when copied.
    problems: list[str] = field(default_factory=list)
    format: str = FORMAT

    def write(self, directory: Path) -> None:
        _write(directory / MANIFEST, json.dumps(asdict(self), indent=2) + "\n")
        lines = [f"{self.dump_sha256}  {DUMP}"]
        lines += [f"{entry.sha256}  {entry.path}" for entry in self.files]
        _write(directory / CHECKSUMS, "\n".join(lines) + "\n")

    @classmethod
    def read(cls, directory: Path) -> Manifest:
        try:
            data: dict[str, Any] = json.loads((directory / MANIFEST).read_text())
        except FileNotFoundError as exc:
            raise BackupError(f"{directory} is not a backup: no {MANIFEST}") from exc
        except (OSError, ValueError) as exc:
            raise BackupError(f"cannot read {directory / MANIFEST}: {exc}") from exc
        if data.get("format") != FORMAT:
            raise BackupError(f"{directory}: unknown backup format {data.get('format')!r}")
        try:
            files = [FileEntry(**entry) for entry in data.pop("files")]
            meanwhile = [FileEntry(**entry) for entry in data.pop("deleted_meanwhile")]
            manifest = cls(**data, files=files, deleted_meanwhile=meanwhile)
            for entry in files:
                validate_key(entry.key)  # a tampered manifest must not point outside
        except (TypeError, KeyError, ValueError, StorageError) as exc:
            raise BackupError(f"{directory / MANIFEST} is malformed: {exc}") from exc
        return manifest


def _write(path: Path, text: str) -> None:
    with open(path, "w", opener=lambda name, flags: os.open(name, flags, 0o600)) as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())


def copy_hashing(source: BinaryIO, destination: BinaryIO) -> tuple[str, int]:
    """Copy a stream to its end; its sha256 and size."""
    digest = hashlib.sha256()
    size = 0
    while chunk := source.read(CHUNK_SIZE):
        digest.update(chunk)
        size += len(chunk)
        destination.write(chunk)
    return digest.hexdigest(), size


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK_SIZE):
            digest.update(chunk)
    return digest.hexdigest()


def verify(directory: Path, manifest: Manifest) -> list[str]:
    """Every problem with the backup's contents (empty when each checksum matches)."""
    problems = []
    checks = [(DUMP, manifest.dump_sha256)] + [(e.path, e.sha256) for e in manifest.files]
    for relative, expected in checks:
        path = directory / relative
        if not path.is_file():
            problems.append(f"{relative}: missing")
        elif file_sha256(path) != expected:
            problems.append(f"{relative}: checksum mismatch")
    return problems
