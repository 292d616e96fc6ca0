"""Backups of the database and the stored files, and their restore (a library, not a domain).

`flask backup create` writes one directory: ``database.dump`` (pg_dump's custom format),
``files/<key>`` (every stored file, from whichever backend holds it), ``manifest.json``
(what is in it, with SHA-256 checksums and row counts) and ``SHA256SUMS`` (the same
checksums for ``sha256sum -c``). The dump and the list of files come from one database
snapshot, so the files are exactly the ones the dumped rows name.

`flask backup restore` verifies every checksum first, then restores into an empty
database (it refuses one with tables unless forced) and into the configured storage.
"""

from jobhub.backup.archive import BackupError, create_backup, restore_backup, verify_backup

__all__ = ["BackupError", "create_backup", "restore_backup", "verify_backup"]
