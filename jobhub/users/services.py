"""User services: look-ups and account creation."""

from __future__ import annotations

from sqlalchemy import select

from jobhub.db import db
from jobhub.errors import Duplicate
from jobhub.security import hash_password
from jobhub.users.models import Role, User


def normalize_email(email: str) -> str:
    return email.strip().lower()


def get_user(*, user_id: int) -> User | None:
    return db.session.get(User, user_id)


def get_user_by_email(*, email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalize_email(email)))


def create_user(*, email: str, password: str, full_name: str, role: Role) -> User:
    """Create an account; the email must be free."""
    email = normalize_email(email)
    if get_user_by_email(email=email) is not None:
        raise Duplicate("An account with this email already exists.")
    user = User(
        email=email,
        password_hash=hash_password(password),
        full_name=full_name.strip(),
        role=role,
    )
    db.session.add(user)
    db.session.flush()
    return user
