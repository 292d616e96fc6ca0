"""One factory per model: valid defaults, any field overridable."""

from __future__ import annotations

import itertools

from jobhub.security import hash_password
from jobhub.users.models import Role, User

DEFAULT_PASSWORD = "Correct-Horse-Battery-9"
_sequence = itertools.count(1)


def create_user(**fields) -> User:
    """Add a user to the session (not committed); password defaults to DEFAULT_PASSWORD."""
    from jobhub.db import db

    n = next(_sequence)
    role = fields.pop("role", Role.CANDIDATE)
    password = fields.pop("password", DEFAULT_PASSWORD)
    user = User(
        email=fields.pop("email", f"user{n}@example.com"),
        full_name=fields.pop("full_name", f"Test User {n}"),
        role=Role(role),
        password_hash=hash_password(password),
        **fields,
    )
    db.session.add(user)
    db.session.flush()
    return user


def create_notification(*, user, **fields):
    """Add a notification for ``user`` straight to the session (not through notify())."""
    from jobhub.db import db
    from jobhub.notifications.models import Notification, NotificationType

    n = next(_sequence)
    notification = Notification(
        user_id=user.id,
        type=str(fields.pop("type", NotificationType.JOB_MATCH)),
        title=fields.pop("title", f"Notification {n}"),
        body=fields.pop("body", f"Body of notification {n}."),
        data=fields.pop("data", {"n": n}),
        **fields,
    )
    db.session.add(notification)
    db.session.flush()
    return notification
