"""Keep stored files in step with the database transaction that records them.

A file written for a row is deleted again if that transaction does not commit; a file
whose row is deleted is removed only after the commit. Either way the database never
names a missing file, and a failed request leaves no file behind.
"""

from __future__ import annotations

import logging
from typing import BinaryIO

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from jobhub.db import db, on_commit
from jobhub.storage.base import Storage, StorageError

log = logging.getLogger(__name__)
_WRITTEN = "jobhub_storage_written"


def save_in_transaction(
    storage: Storage, key: str, stream: BinaryIO, *, content_type: str, sha256: str
) -> None:
    """Store a file now and delete it again if the current transaction rolls back."""
    session = db.session()
    if not session.in_transaction():
        session.begin()
    session.info.setdefault(_WRITTEN, []).append((storage, key))
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


@event.listens_for(Session, "after_commit")
def _keep_written_files(session: Session) -> None:
    session.info.pop(_WRITTEN, None)


@event.listens_for(Session, "after_transaction_end")
def _discard_written_files(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        for storage, key in session.info.pop(_WRITTEN, []):
            delete_quietly(storage, key)
