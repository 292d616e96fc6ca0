"""Reactions to other domains' events (``jobhub.signals``)."""

from __future__ import annotations

from typing import Any

from jobhub import signals
from jobhub.auth.mfa import services as mfa
from jobhub.auth.models import SessionEndReason
from jobhub.auth.onetime import services as onetime
from jobhub.auth.sessions import services as sessions
from jobhub.users.models import User


@signals.account_deleted.connect
def _end_sessions_of_deleted_account(sender: Any, *, user: User, **_: Any) -> dict[str, Any]:
    """A deleted account keeps no session, no pending mailed token, no second factor."""
    sessions.end_all(user_id=user.id, reason=SessionEndReason.ACCOUNT_DELETED)
    onetime.revoke_unused(user_id=user.id)
    mfa.forget(user_id=user.id)
    signals.user_logged_out.send(sender, user_id=user.id, all_sessions=True)
    return {
        "erased": ["sign-in sessions ended, pending mailed links, second factor"],
        "retained": [
            {
                "what": "the ended sessions' dates until they are purged",
                "why": "Token revocation needs them until the tokens expire.",
            }
        ],
    }


@signals.user_deactivated.connect
def _end_sessions_of_deactivated_account(sender: Any, *, user: User, **_: Any) -> None:
    """A deactivated account is signed out everywhere: refresh tokens die with their
    sessions (Redis revocation, seen by every worker) and live sockets are closed."""
    sessions.end_all(user_id=user.id, reason=SessionEndReason.ACCOUNT_DEACTIVATED)
    signals.user_logged_out.send(sender, user_id=user.id, all_sessions=True)
