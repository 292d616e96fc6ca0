"""Who may do what with a job they can see: pure functions of the caller and membership.

Whether a caller may *see* a job is not decided here but by the query in
``jobhub.jobs.queries.visible_jobs_query`` (a job you may not see answers 404).
"""

from __future__ import annotations

from jobhub.companies.models import MemberRole
from jobhub.users.models import Role, User


def can_post_job(user: User, membership: MemberRole | None) -> bool:
    """Members (owners and recruiters) post for their company."""
    return user.role == Role.EMPLOYER and membership is not None


def can_edit_job(user: User, membership: MemberRole | None) -> bool:
    """Update, delete, restore and move a job: its company's members and admins."""
    return user.role == Role.ADMIN or (user.role == Role.EMPLOYER and membership is not None)


def can_report_job(user: User, membership: MemberRole | None) -> bool:
    """Anyone signed in may report a job, except its own company's members."""
    return membership is None


def can_moderate(user: User) -> bool:
    """Moderation decisions are for admins."""
    return user.role == Role.ADMIN


def counts_as_view(user: User | None, membership: MemberRole | None) -> bool:
    """The audience's views count; the company's own members and admins do not."""
    return (user is None or user.role != Role.ADMIN) and membership is None


def can_use_saved_searches(user: User) -> bool:
    """Saved searches and their alerts are a candidate feature."""
    return user.role == Role.CANDIDATE
