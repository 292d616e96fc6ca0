"""Which applications a caller may see: the one query function every read starts from."""

from __future__ import annotations

from sqlalchemy import Select, false, select

from jobhub.applications.models import Application
from jobhub.companies import services as companies
from jobhub.users.models import Role, User


def visible_applications_query(actor: User) -> Select[tuple[Application]]:
    """Candidates see their own; employers those to their companies' jobs; admins all."""
    query = select(Application)
    if actor.role == Role.ADMIN:
        return query
    if actor.role == Role.EMPLOYER:
        return query.where(
            Application.company_id.in_(companies.member_company_ids(user_id=actor.id))
        )
    if actor.role == Role.CANDIDATE:
        return query.where(Application.candidate_id == actor.id)
    return query.where(false())
