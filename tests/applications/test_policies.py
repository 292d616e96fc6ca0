"""Application and interview policies as tables, for a caller who can see the application.

Seeing it is the query's decision (tests/applications/test_visibility.py): once visible,
an employer is a member of the job's company and a candidate its applicant.
"""

from __future__ import annotations

import pytest

from jobhub.applications import policies
from jobhub.applications.interviews import policies as interviews
from jobhub.applications.interviews.models import InterviewFeedback
from jobhub.applications.models import Side
from jobhub.users.models import Role, User

# role -> side, move, employer view, read notes, write notes
APPLICATION = {
    Role.CANDIDATE: (Side.CANDIDATE, True, False, False, False),
    Role.EMPLOYER: (Side.EMPLOYER, True, True, True, True),
    Role.ADMIN: (None, False, True, True, False),
}


@pytest.mark.parametrize("role", list(APPLICATION))
def test_application(role):
    user = User(id=1, role=role)
    side, move, employer_view, read_notes, write_notes = APPLICATION[role]
    assert policies.side_of(user) is side
    assert policies.can_move(user) is move
    assert policies.sees_employer_view(user) is employer_view
    assert policies.can_read_notes(user) is read_notes
    assert policies.can_write_notes(user) is write_notes


# role -> manage interviews, read feedback, give feedback
INTERVIEW = {
    Role.CANDIDATE: (False, False, False),
    Role.EMPLOYER: (True, True, True),
    Role.ADMIN: (False, True, False),
}


@pytest.mark.parametrize("role", list(INTERVIEW))
def test_interview(role):
    user = User(id=1, role=role)
    manage, read, give = INTERVIEW[role]
    assert interviews.can_manage_interviews(user) is manage
    assert interviews.can_read_feedback(user) is read
    assert interviews.can_give_feedback(user) is give


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize(("author", "expected"), [(True, True), (False, False)])
def test_feedback_is_amended_by_its_author_only(role, author, expected):
    feedback = InterviewFeedback(author_id=1 if author else 2, rating=3)
    assert interviews.can_amend_feedback(User(id=1, role=role), feedback) is expected
