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
