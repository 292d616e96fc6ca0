"""Who may see a resume and download its file.

The file goes to its owner and to admins, and to anyone another domain grants through
the ``resume_file_access`` signal (jobhub/signals.py): a receiver
``(sender, *, actor, resume) -> bool`` answering True lets the actor download it. The
applications domain connects one for "a member of a company this resume was sent to",
so this module never imports it.
"""

from __future__ import annotations

from flask import current_app

from jobhub import signals
from jobhub.resumes.models import Resume
from jobhub.users.models import Role, User


def is_owner(user: User, resume: Resume) -> bool:
    return resume.user_id == user.id


def can_view(user: User, resume: Resume) -> bool:
    """The resume, its analysis, deleting it: its owner only."""
    return is_owner(user, resume)


def can_download_file(user: User, resume: Resume) -> bool:
    """The stored file: the owner, admins, or whom another domain grants."""
    if is_owner(user, resume) or user.role is Role.ADMIN:
        return True
    answers = signals.resume_file_access.send(
        current_app._get_current_object(), actor=user, resume=resume
    )
    return any(granted is True for _receiver, granted in answers)
