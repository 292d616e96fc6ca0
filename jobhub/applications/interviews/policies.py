"""Who may do what with an interview of an application they can see (see the parent's)."""

from __future__ import annotations

from jobhub.applications.interviews.models import InterviewFeedback
from jobhub.applications.models import Side
from jobhub.applications.policies import sees_employer_view, side_of
from jobhub.users.models import User


def can_manage_interviews(user: User) -> bool:
    """Schedule, reschedule, cancel: the company's members."""
    return side_of(user) == Side.EMPLOYER


def can_read_feedback(user: User) -> bool:
    """Interview feedback: the company's members, and admins; never the candidate."""
    return sees_employer_view(user)


def can_amend_feedback(user: User, feedback: InterviewFeedback) -> bool:
    """Feedback is amended by its author only."""
    return feedback.author_id == user.id


def can_give_feedback(user: User) -> bool:
    """Feedback is given by the company's members (one each per interview)."""
    return side_of(user) == Side.EMPLOYER
