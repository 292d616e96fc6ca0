"""File storage, a library (not a domain): a local directory (default) or an S3 bucket.

Rows that own a file carry ``StoredFileMixin`` (key, backend, sha256), so each file is
read from the backend that holds it and `flask storage migrate` can move them all.
"""

from jobhub.storage.base import (
    Storage,
    StorageError,
    StorageUnavailable,
    StoredFileNotFound,
    sha256_of,
    validate_key,
)
from jobhub.storage.factory import BACKENDS, get_storage
from jobhub.storage.models import StoredFileMixin
from jobhub.storage.transactional import delete_after_commit, delete_quietly, save_in_transaction

__all__ = [
    "BACKENDS",
    "Storage",
    "StorageError",
    "StorageUnavailable",
    "StoredFileMixin",
    "StoredFileNotFound",
    "delete_after_commit",
    "delete_quietly",
    "get_storage",
    "save_in_transaction",
    "sha256_of",
    "validate_key",
]
