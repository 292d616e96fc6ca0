"""Reading resumes: by id, a user's own, and the latest of several users."""

from __future__ import annotations

from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from jobhub.db import db
from jobhub.resumes.models import Resume
from jobhub.users.models import User


def get_resume(*, resume_id: int, with_skills: bool = False) -> Resume | None:
    """The resume with this id, if any."""
    query = select(Resume).where(Resume.id == resume_id)
    if with_skills:
        query = query.options(selectinload(Resume.skill_rows))
    return db.session.scalar(query)


def own_resumes_query(*, user: User) -> Select:
    """The user's resumes, newest first (for pagination)."""
    return (
        select(Resume)
        .where(Resume.user_id == user.id)
        .order_by(Resume.created_at.desc(), Resume.id.desc())
    )


def has_resumes(*, user: User) -> bool:
    return (
        db.session.scalar(select(Resume.id).where(Resume.user_id == user.id).limit(1)) is not None
    )


def latest_resume_ids(*, user_ids: set[int]) -> dict[int, int]:
    """Each user's most recent resume id, for those who have one."""
    rows = db.session.execute(
        select(Resume.user_id, func.max(Resume.id))
        .where(Resume.user_id.in_(user_ids))
        .group_by(Resume.user_id)
    )
    return {user_id: resume_id for user_id, resume_id in rows}
