"""Reactions to other domains' events (jobhub.signals), inside the sender's transaction."""

from __future__ import annotations

from typing import Any

from jobhub.notifications import live, services
from jobhub.notifications.models import NotificationType
from jobhub.signals import account_deleted, user_logged_out, user_registered
from jobhub.users.models import Role, User

_WELCOME_BODY = {
    Role.CANDIDATE: (
        "Complete your profile and upload a resume: we will match you with jobs and "
        "tell you here, live, whenever an application moves."
    ),
    Role.EMPLOYER: (
        "Create your company and post your first job: new applications and interview "
        "updates will show up here as they happen."
    ),
    Role.ADMIN: "Reported and pending jobs wait for you in the moderation queue.",
}


@user_registered.connect
def welcome(_sender: Any, *, user: User, **_: Any) -> None:
    """The demo event: a welcome notification for every new account."""
    services.notify(
        user=user,
        type=NotificationType.ACCOUNT_WELCOME,
        title=f"Welcome to JobHub, {user.full_name.split()[0] if user.full_name else 'there'}!",
        body=_WELCOME_BODY.get(user.role, _WELCOME_BODY[Role.CANDIDATE]),
        data={"role": user.role.value},
    )


@user_logged_out.connect
def close_live_connections(_sender: Any, *, user_id: int, **_: Any) -> None:
    """After the logout commits, close every socket of the user (any process).

    A socket cannot tell which login it belongs to, so all of them close; the user's
    other sessions reconnect with their still valid tokens (docs/socketio.md).
    """
    live.disconnect_user(user_id=user_id)


@account_deleted.connect
def forget_user(_sender: Any, *, user: User, **_: Any) -> None:
    """A deleted account's notifications and preferences go with it."""
    services.delete_user_data(user_id=user.id)
