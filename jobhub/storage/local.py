"""Files in a local directory (the embedded default)."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import BinaryIO

from jobhub.storage.base import (
    CHUNK_SIZE,
    Storage,
    StorageError,
    StorageUnavailable,
    StoredFileNotFound,
    validate_key,
)


class LocalStorage(Storage):
    """Files under one root directory; writes are atomic (temporary file, then rename)."""

    name = "local"

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root).resolve()

    def path_for(self, key: str) -> Path:
        """The file's path, guaranteed to be inside the root."""
        path = (self.root / validate_key(key)).resolve()
        if not path.is_relative_to(self.root):
            raise StorageError(f"invalid storage key {key!r}")
        return path

    def save(self, key: str, stream: BinaryIO, *, content_type: str, sha256: str) -> None:
        path = self.path_for(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o750)
            fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
        except OSError as exc:
            raise StorageUnavailable(f"cannot write to {self.root}: {exc.strerror}") from exc
        try:
            with os.fdopen(fd, "wb") as out:
                shutil.copyfileobj(stream, out, CHUNK_SIZE)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp_name, path)
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)
            raise StorageUnavailable(f"cannot write {key}: {exc.strerror}") from exc
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)
            raise

    def open(self, key: str) -> BinaryIO:
        try:
            return open(self.path_for(key), "rb")
        except FileNotFoundError as exc:
            raise StoredFileNotFound(f"no stored file {key}") from exc
        except OSError as exc:
            raise StorageUnavailable(f"cannot read {key}: {exc.strerror}") from exc

    def delete(self, key: str) -> None:
        try:
            self.path_for(key).unlink(missing_ok=True)
        except OSError as exc:
            raise StorageUnavailable(f"cannot delete {key}: {exc.strerror}") from exc

    def exists(self, key: str) -> bool:
        return self.path_for(key).is_file()
