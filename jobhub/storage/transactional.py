"""Keep stored files in step with the database transaction that records them.

A file written for a row is deleted again if that transaction does not commit; a file
whose row is deleted is removed only after the commit. Either way the database never
names a missing file, and a failed request leaves no file behind. Both ride the
transaction's one queue (``jobhub.db.on_commit`` and ``on_rollback``).
"""

from __future__ import annotations

import logging
from typing import BinaryIO

from jobhub.db import on_commit, on_rollback
from jobhub.storage.base import Storage, StorageError

log = logging.getLogger(__name__)


def save_in_transaction(
    storage: Storage, key: str, stream: BinaryIO, *, content_type: str, sha256: str
) -> None:
    """Store a file now and delete it again if the current transaction rolls back."""
    on_rollback(lambda: delete_quietly(storage, key))
    storage.save(key, stream, content_type=content_type, sha256=sha256)


def delete_after_commit(storage: Storage, key: str) -> None:
    """Delete a stored file once the current transaction commits (a failure is logged)."""
    on_commit(lambda: delete_quietly(storage, key))


def delete_quietly(storage: Storage, key: str) -> bool:
    """Delete a stored file, logging instead of raising; True when it is gone."""
    try:
        storage.delete(key)
    except StorageError:
        log.exception("could not delete stored file %s from %s", key, storage.name)
        return False
    return True
