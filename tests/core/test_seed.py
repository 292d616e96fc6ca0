"""The seed package's bulk path and benchmark accounts (``flask seed`` itself: test_cli,
tests/jobs/test_seed.py, tests/applications/test_seed.py)."""

from __future__ import annotations

from sqlalchemy import select

from jobhub.db import db, transaction
from jobhub.security import verify_password
from jobhub.seed import bench, bulk
from jobhub.users.models import Role, User


def test_bulk_rows_get_the_models_defaults(app_ctx):
    with transaction():
        ids = bulk.Ids(User, 2)
        rows = [
            {
                "id": ids.take(),
                "email": f"b{n}@example.com",
                "password_hash": "!",
                "role": "candidate",
            }
            for n in range(2)
        ]
        bulk.insert_rows(User, [{**row, "full_name": "Bulk"} for row in rows])
    users = list(db.session.scalars(select(User).order_by(User.id)))
    assert [user.id for user in users] == [row["id"] for row in rows]
    assert all(u.is_active and not u.email_verified and u.skills == [] for u in users)
    assert all(u.created_at is not None and u.links == {} for u in users)


def test_bench_accounts_in_bulk_share_one_password(app_ctx):
    with transaction():
        ids = bench.candidates(count=3, password="Orbit-Lantern-Quartz-917", label="t")
    users = list(db.session.scalars(select(User).where(User.id.in_(ids))))
    assert len(users) == 3 and {user.role for user in users} == {Role.CANDIDATE}
    assert all(verify_password(user.password_hash, "Orbit-Lantern-Quartz-917") for user in users)


def test_a_bench_candidate_goes_through_the_users_service(app_ctx):
    with transaction():
        user = bench.candidate(
            email=" Bench@Example.com ", full_name="Bench One", password="Orbit-Lantern-Quartz-917"
        )
    assert user.email == "bench@example.com"  # normalised by the service
