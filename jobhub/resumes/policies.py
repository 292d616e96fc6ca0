"""Who may see a resume and download its file.

The file goes to its owner and to admins, and to anyone a registered check allows.
Other domains plug their rule in without this one knowing them: applications will
register "a member of a company this resume was sent to" through
``jobhub.resumes.services.register_file_access_check``.
"""

from __future__ import annotations

from collections.abc import Callable

from jobhub.resumes.models import Resume
from jobhub.users.models import Role, User

FileAccessCheck = Callable[[User, Resume], bool]
_file_access_checks: list[FileAccessCheck] = []


def register_file_access_check(check: FileAccessCheck) -> Callable[[], None]:
    """Add a rule that may grant a user a resume's file; returns a function removing it."""
    _file_access_checks.append(check)
    return lambda: _file_access_checks.remove(check)


def is_owner(user: User, resume: Resume) -> bool:
    return resume.user_id == user.id


def can_view(user: User, resume: Resume) -> bool:
    """The resume, its analysis, deleting it: its owner only."""
    return is_owner(user, resume)


def can_download_file(user: User, resume: Resume) -> bool:
    """The stored file: the owner, admins, or anyone a registered check allows."""
    if is_owner(user, resume) or user.role is Role.ADMIN:
        return True
    return any(check(user, resume) for check in list(_file_access_checks))
