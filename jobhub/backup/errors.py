"""The one error of the backup library."""


class BackupError(Exception):
    """A backup or restore cannot go on; the message says why and what to do."""
