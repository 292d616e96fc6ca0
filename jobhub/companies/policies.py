"""Who may do what with a company: pure functions of the caller and their membership.

Creating a company is for employers, which the route's ``auth_required("employer")`` says.
"""

from __future__ import annotations

from jobhub.companies.models import MemberRole
from jobhub.users.models import Role, User


def can_manage_company(user: User, membership: MemberRole | None) -> bool:
    """Edit or delete the company: its owners and admins."""
    return user.role == Role.ADMIN or membership == MemberRole.OWNER


def can_verify_company(user: User) -> bool:
    """Only admins vouch for a company."""
    return user.role == Role.ADMIN


def can_view_members(user: User, membership: MemberRole | None) -> bool:
    """The member list is for the company's members and admins."""
    return user.role == Role.ADMIN or membership is not None


def can_add_member(user: User, membership: MemberRole | None) -> bool:
    """Owners add members; admins may help."""
    return user.role == Role.ADMIN or membership == MemberRole.OWNER


def can_remove_member(user: User, membership: MemberRole | None, member_user_id: int) -> bool:
    """Owners remove anyone; any member may leave."""
    return (
        user.role == Role.ADMIN
        or membership == MemberRole.OWNER
        or (membership is not None and user.id == member_user_id)
    )
