"""Who may see and change which accounts.

Reading another user's profile is decided here for admins and oneself; other domains
grant more through the ``user_profile_access`` signal (jobhub/signals.py): a receiver
``(sender, *, actor, user) -> bool`` answering True lets the actor read the profile.
The applications domain connects one for "an employer the candidate applied to", so
this module never imports it.
"""

from __future__ import annotations

from flask import current_app

from jobhub import signals
from jobhub.users.models import Role, User


def is_admin(actor: User) -> bool:
    return actor.role == Role.ADMIN


def can_view_user(actor: User, user: User) -> bool:
    """Admins see everyone; others see themselves and whom another domain lets them see."""
    if is_admin(actor):
        return True
    if user.deleted_at is not None:
        return False
    if actor.id == user.id:
        return True
    answers = signals.user_profile_access.send(
        current_app._get_current_object(), actor=actor, user=user
    )
    return any(granted is True for _receiver, granted in answers)


def can_change_account(actor: User, user: User, changes: dict) -> bool:
    """Admins activate, deactivate and verify accounts; never deactivate their own (which
    would lock the last admin out) and never touch an erased account."""
    if not is_admin(actor) or user.deleted_at is not None:
        return False
    return not (actor.id == user.id and changes.get("is_active") is False)
