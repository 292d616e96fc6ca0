"""Accounts for the benchmarks in ``bench/``: through the services, or in bulk for thousands.

The benchmarks seed everything else with ``flask seed --jobs N`` (``seed.jobs``) and
upload resumes with ``seed.resumes.upload_text``; only what no demo needs is here.
"""

from __future__ import annotations

from jobhub.db import utcnow
from jobhub.security import hash_password
from jobhub.seed import bulk
from jobhub.users import services as users
from jobhub.users.models import Role, User


def candidate(*, email: str, full_name: str, password: str) -> User:
    """One candidate account, through the users service (the password policy applies)."""
    return users.create_user(
        email=email, password=password, full_name=full_name, role=Role.CANDIDATE
    )


def candidates(*, count: int, password: str, label: str) -> list[int]:
    """``count`` candidate accounts in bulk, sharing one password hash; their ids.

    Hashing each password would take minutes at the thousands the socket.io benchmark
    connects. Emails are ``bench<n>-<label>@jobhub.local``.
    """
    password_hash = hash_password(password)
    ids = bulk.Ids(User, count)
    now = utcnow()
    rows = [
        {
            "id": ids.take(),
            "email": f"bench{n}-{label}@jobhub.local",
            "password_hash": password_hash,
            "full_name": f"Bench Candidate {n}",
            "role": Role.CANDIDATE.value,
            "created_at": now,
            "updated_at": now,
        }
        for n in range(count)
    ]
    bulk.insert_rows(User, rows)
    return [row["id"] for row in rows]
