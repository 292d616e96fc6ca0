"""Who may do what with an application they can see.

Seeing is decided by ``queries.visible_applications_query`` (anything else is 404). Once
an application is visible, the caller's role says which side they are on: a visible
application is an employer's only through membership of the job's company, and a
candidate's only when it is their own. Admins see everything and act for no side.
"""

from __future__ import annotations

from jobhub.applications.models import Side
from jobhub.users.models import Role, User


def side_of(user: User) -> Side | None:
    """The side a caller acts for on an application visible to them (admins: none)."""
    if user.role == Role.EMPLOYER:
        return Side.EMPLOYER
    if user.role == Role.CANDIDATE:
        return Side.CANDIDATE
    return None


def can_move(user: User) -> bool:
    """Moves are made by one of the two sides, as the transition table allows."""
    return side_of(user) is not None


def sees_employer_view(user: User) -> bool:
    """The hiring company's members and admins see notes, reasons, interviewers, feedback."""
    return user.role in (Role.EMPLOYER, Role.ADMIN)


def can_read_notes(user: User) -> bool:
    """Private notes: the company's members, and admins."""
    return sees_employer_view(user)


def can_write_notes(user: User) -> bool:
    """Only the company's members write notes."""
    return side_of(user) == Side.EMPLOYER
