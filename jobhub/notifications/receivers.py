"""Reactions to other domains' events (jobhub.signals), inside the sender's transaction."""

from __future__ import annotations

from typing import Any

from jobhub.auth.services import is_token_revoked, session_id_of
from jobhub.notifications import services
from jobhub.notifications.live import services as live
from jobhub.signals import account_deleted, user_logged_out, user_registered
from jobhub.users.models import User


@user_registered.connect
def welcome(_sender: Any, *, user: User, **_: Any) -> None:
    """The demo event: a welcome notification for every new account."""
    services.welcome(user=user)


@user_logged_out.connect
def close_live_connections(_sender: Any, *, user_id: int, all_sessions: bool, **_: Any) -> None:
    """After the commit, close the sockets whose login this signed out, in any process.

    A socket is closed when the token it connected with is now revoked (its own id, or
    its session ended): a logout closes that session's sockets, a password change the
    other sessions', and the user's other devices stay live. A token that names no
    session cannot be told apart, so it is closed whenever other sessions were ended.
    """

    def signed_out(token: dict[str, Any]) -> bool:
        return is_token_revoked(token) or (all_sessions and session_id_of(token) is None)

    live.disconnect_user(user_id=user_id, only=signed_out)


@account_deleted.connect
def forget_user(_sender: Any, *, user: User, **_: Any) -> dict[str, Any]:
    """A deleted account's notifications and preferences go with it."""
    services.delete_user_data(user_id=user.id)
    return {"erased": ["notifications and notification preferences"]}
