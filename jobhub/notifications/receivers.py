"""Reactions to other domains' events (jobhub.signals), inside the sender's transaction."""

from __future__ import annotations

from typing import Any

from jobhub.auth.services import is_token_revoked
from jobhub.notifications import live, services
from jobhub.signals import account_deleted, user_logged_out, user_registered
from jobhub.users.models import User


@user_registered.connect
def welcome(_sender: Any, *, user: User, **_: Any) -> None:
    """The demo event: a welcome notification for every new account."""
    services.welcome(user=user)


@user_logged_out.connect
def close_live_connections(_sender: Any, *, user_id: int, all_sessions: bool, **_: Any) -> None:
    """After the logout commits, close the sockets it signed out, in any process.

    Logging out of every session closes all the user's sockets; logging out of one
    closes those that connected with a token now revoked (that session's tokens), so
    the user's other devices stay live.
    """
    live.disconnect_user(user_id=user_id, only=None if all_sessions else is_token_revoked)


@account_deleted.connect
def forget_user(_sender: Any, *, user: User, **_: Any) -> None:
    """A deleted account's notifications and preferences go with it."""
    services.delete_user_data(user_id=user.id)
