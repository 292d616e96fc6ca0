"""Which rows an export reads: the owner's scope and the stored filters, as SQL.

Every query is ordered by id so the task can stream it from a server-side cursor and
join each batch of applications with their stage moves in one more query.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, and_, false, func, or_, select, true

from jobhub.applications.interviews.models import Interview
from jobhub.applications.models import Application, ApplicationEvent
from jobhub.auth.models import AuthSession
from jobhub.companies import services as companies
from jobhub.exports.models import Export, ExportStatus
from jobhub.jobs.models import Job
from jobhub.jobs.saved_searches.models import SavedSearch
from jobhub.notifications.models import Notification, NotificationPreference
from jobhub.resumes.models import Resume
from jobhub.users.models import Role, User


def own_exports_query(*, owner_id: int) -> Select[tuple[Export]]:
    """The owner's exports, newest first."""
    return select(Export).where(Export.owner_id == owner_id).order_by(Export.id.desc())


def get_own_export(*, owner_id: int, export_id: int) -> Export | None:
    from jobhub.db import db

    return db.session.scalar(
        select(Export).where(Export.id == export_id, Export.owner_id == owner_id)
    )


def expired_exports_query(*, now: Any) -> Select[tuple[Export]]:
    """Finished or failed exports past their expiry (the sweep's work)."""
    return (
        select(Export)
        .where(
            Export.status.in_([ExportStatus.DONE, ExportStatus.FAILED]),
            Export.expires_at <= now,
        )
        .order_by(Export.id)
    )


# -- jobs --------------------------------------------------------------------------

JOB_SOURCE: dict[str, Any] = {
    "id": Job.id,
    "company_id": Job.company_id,
    "company_name": Job.company_name,
    "title": Job.title,
    "description": Job.description,
    "location": Job.location,
    "country": Job.country,
    "remote": Job.remote,
    "employment_type": Job.employment_type,
    "seniority": Job.seniority,
    "salary_min": Job.salary_min,
    "salary_max": Job.salary_max,
    "salary_currency": Job.salary_currency,
    "skills": Job.skills,
    "nice_to_have_skills": Job.nice_to_have_skills,
    "status": Job.status,
    "expires_at": Job.expires_at,
    "external_ref": Job.external_ref,
    "moderation_status": Job.moderation_status,
    "published_at": Job.published_at,
    "closed_at": Job.closed_at,
    "views": Job.views,
    "applications_count": Job.applications_count,
    "created_at": Job.created_at,
    "updated_at": Job.updated_at,
}


def _job_scope(owner: User) -> ColumnElement[bool]:
    if owner.role == Role.ADMIN:
        return true()
    if owner.role == Role.EMPLOYER:
        return Job.company_id.in_(companies.member_company_ids(user_id=owner.id))
    return false()


def _filters(model: Any, filters: dict[str, Any], *, equal: Sequence[str]) -> list:
    """The export's stored filters as conditions: ``equal`` columns and the created range."""
    conditions: list[ColumnElement[bool]] = [
        getattr(model, name) == filters[name] for name in equal if name in filters
    ]
    if "created_from" in filters:
        conditions.append(model.created_at >= filters["created_from"])
    if "created_to" in filters:
        conditions.append(model.created_at < filters["created_to"])
    return conditions


def _job_filters(filters: dict[str, Any]) -> list[ColumnElement[bool]]:
    equal = ("company_id", "status", "moderation_status")
    return [Job.deleted_at.is_(None), *_filters(Job, filters, equal=equal)]


def jobs_query(*, owner: User, filters: dict[str, Any], columns: Sequence[str]) -> Select:
    """The jobs an export of ``owner`` reads: their companies' (admins: all), not deleted."""
    return (
        select(*(JOB_SOURCE[name].label(name) for name in columns))
        .where(_job_scope(owner), *_job_filters(filters))
        .order_by(Job.id)
    )


def jobs_count(*, connection: Connection, owner: User, filters: dict[str, Any]) -> int:
    query = select(func.count()).select_from(Job).where(_job_scope(owner), *_job_filters(filters))
    return connection.execute(query).scalar_one()


def jobs_by_status(
    *, connection: Connection, owner: User, filters: dict[str, Any]
) -> list[tuple[str, int]]:
    return _by_status(connection, Job.status, [_job_scope(owner), *_job_filters(filters)])


def _by_status(
    connection: Connection, status: Any, conditions: list[ColumnElement[bool]]
) -> list[tuple[str, int]]:
    """How many rows of each status match ``conditions`` (the PDF's summary)."""
    query = select(status, func.count()).where(*conditions).group_by(status).order_by(status)
    return [(value.value, count) for value, count in connection.execute(query)]


# -- applications ------------------------------------------------------------------

APPLICATION_SOURCE: dict[str, Any] = {
    "id": Application.id,
    "job_id": Application.job_id,
    "job_title": Job.title,
    "company_id": Application.company_id,
    "company_name": Job.company_name,
    "candidate_email": User.email,
    "candidate_name": User.full_name,
    "status": Application.status,
    "source": Application.source,
    "rejection_reason": Application.rejection_reason,
    "cover_letter": Application.cover_letter,
    "match_score": Application.match_score,
    "created_at": Application.created_at,
    "status_changed_at": Application.status_changed_at,
}
# Read with every row so erased candidates can be left blank.
ANONYMISED = "_anonymized_at"


def _application_scope(owner: User) -> ColumnElement[bool]:
    return and_(Application.live(), _application_owner(owner))


def _application_owner(owner: User) -> ColumnElement[bool]:
    if owner.role == Role.ADMIN:
        return true()
    if owner.role == Role.EMPLOYER:
        return Application.company_id.in_(companies.member_company_ids(user_id=owner.id))
    if owner.role == Role.CANDIDATE:
        return Application.candidate_id == owner.id
    return false()


def _application_filters(filters: dict[str, Any]) -> list[ColumnElement[bool]]:
    return _filters(Application, filters, equal=("job_id", "company_id", "status"))


def applications_query(*, owner: User, filters: dict[str, Any], columns: Sequence[str]) -> Select:
    """The applications an export of ``owner`` reads, with their job and candidate."""
    selected = [APPLICATION_SOURCE[name].label(name) for name in columns if name != "history"]
    if "id" not in columns:
        selected.append(Application.id.label("id"))
    selected.append(Application.anonymized_at.label(ANONYMISED))
    return application_rows(owner=owner, filters=filters, selected=selected)


def application_rows(
    *,
    owner: User,
    filters: dict[str, Any],
    selected: Sequence[ColumnElement[Any]],
    moves: Any = None,
) -> Select:
    """``selected`` for each application an export of ``owner`` reads, in id order (the
    expressions may use the application, its job, its candidate and ``moves``, a
    subquery by ``application_id`` left-joined when given)."""
    query = (
        select(*selected)
        .select_from(Application)
        .join(Job, Job.id == Application.job_id)
        .join(User, User.id == Application.candidate_id)
    )
    if moves is not None:
        query = query.outerjoin(moves, moves.c.application_id == Application.id)
    return query.where(_application_scope(owner), *_application_filters(filters)).order_by(
        Application.id
    )


def application_ids(*, owner: User, filters: dict[str, Any]) -> Select:
    """The ids of the applications an export of ``owner`` reads (unordered)."""
    return select(Application.id).where(_application_scope(owner), *_application_filters(filters))


def own_applications_query(*, user_id: int, columns: Sequence[str]) -> Select:
    """The user's own applications as a candidate (the ``account`` export)."""
    selected = [APPLICATION_SOURCE[name].label(name) for name in columns if name != "history"]
    if "id" not in columns:
        selected.append(Application.id.label("id"))
    selected.append(Application.anonymized_at.label(ANONYMISED))
    return (
        select(*selected)
        .join(Job, Job.id == Application.job_id)
        .join(User, User.id == Application.candidate_id)
        .where(Application.candidate_id == user_id, Application.live())
        .order_by(Application.id)
    )


def applications_count(*, connection: Connection, owner: User, filters: dict[str, Any]) -> int:
    query = (
        select(func.count())
        .select_from(Application)
        .where(_application_scope(owner), *_application_filters(filters))
    )
    return connection.execute(query).scalar_one()


def applications_by_status(
    *, connection: Connection, owner: User, filters: dict[str, Any]
) -> list[tuple[str, int]]:
    conditions = [_application_scope(owner), *_application_filters(filters)]
    return _by_status(connection, Application.status, conditions)


def histories_query(applications: Select) -> Select:
    """Every stage move of the applications ``applications`` selects, in the same order
    (application id, then oldest first), so the two can be read side by side."""
    ids = applications.with_only_columns(Application.id).order_by(None)
    return (
        select(
            ApplicationEvent.application_id,
            ApplicationEvent.from_status,
            ApplicationEvent.to_status,
            ApplicationEvent.created_at,
            ApplicationEvent.actor_side,
            ApplicationEvent.reason,
        )
        .where(ApplicationEvent.application_id.in_(ids))
        .order_by(ApplicationEvent.application_id, ApplicationEvent.created_at, ApplicationEvent.id)
    )


# -- account (the owner's own data) -------------------------------------------------


def account_profile(*, connection: Connection, user_id: int) -> Any:
    columns = [
        c for c in User.__table__.columns if c.name not in ("password_hash", "inactivity_warned_at")
    ]
    return connection.execute(select(*columns).where(User.id == user_id)).mappings().one()


def account_preferences(*, connection: Connection, user_id: int) -> list[Any]:
    query = (
        select(
            NotificationPreference.type, NotificationPreference.in_app, NotificationPreference.email
        )
        .where(NotificationPreference.user_id == user_id)
        .order_by(NotificationPreference.type)
    )
    return list(connection.execute(query).mappings())


def _rows_of(model: Any, condition: ColumnElement[bool], *, skip: tuple[str, ...] = ()) -> Select:
    columns = [c for c in model.__table__.columns if c.name not in skip]
    return select(*columns).where(condition).order_by(model.id)


def account_tables(*, user: User) -> dict[str, Select]:
    """The rows of each file of an ``account`` export (applications separately)."""
    interviews = or_(
        Interview.application_id.in_(
            select(Application.id).where(Application.candidate_id == user.id)
        ),
        Interview.organizer_id == user.id,
    )
    return {
        "interviews": _rows_of(Interview, interviews),
        "notifications": _rows_of(Notification, Notification.user_id == user.id),
        "saved_searches": _rows_of(SavedSearch, SavedSearch.user_id == user.id, skip=("q_fts",)),
        # The sessions the account signed in with; never the refresh token's id.
        "sessions": _rows_of(AuthSession, AuthSession.user_id == user.id, skip=("refresh_jti",)),
    }


def account_resumes(*, user_id: int) -> Select:
    skip = ("analysis_token", "stale_storage_backend", "text")
    columns = [c for c in Resume.__table__.columns if c.name not in skip]
    return select(*columns).where(Resume.user_id == user_id).order_by(Resume.id)
