"""The panel's row lists: users, companies, applications and reports.

Read-only lists (no create, edit or delete) with search, filters, sorting and paging;
the row actions are CSRF-protected forms (``PanelForm``) that call one service per row.
Lists over big tables use the simple pager: no ``count(*)`` on every page load.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash
from flask_admin.actions import action
from markupsafe import Markup
from sqlalchemy import select

from jobhub.admin import actions
from jobhub.admin.base import SecureModelView, enum_filters, panel_admin, parse_id
from jobhub.applications.models import Application
from jobhub.companies.models import Company
from jobhub.db import db
from jobhub.jobs.models import Job
from jobhub.jobs.moderation import services as moderation
from jobhub.jobs.moderation.models import JobReport, ReportStatus
from jobhub.users.models import User


class _RowActions(SecureModelView):
    """Runs an action's service on each selected row, then says how many changed."""

    def _each(self, ids: list[str], change: Callable[[Any], bool], done: str) -> None:
        numbers = [n for n in (parse_id(i) for i in ids) if n is not None]
        rows = db.session.scalars(select(self.model).where(self.model.id.in_(numbers))).all()
        changed = sum(1 for row in rows if change(row))
        flash(f"{done}: {changed} of {len(ids)} selected.", "success")


class UserView(_RowActions):
    """Accounts: search by email or name; never a password hash (not even in details)."""

    column_list = (
        "id",
        "email",
        "full_name",
        "role",
        "is_active",
        "email_verified",
        "created_at",
        "last_login_at",
    )
    column_details_list = (*column_list, "headline", "location", "updated_at")
    column_searchable_list = ("email", "full_name")
    column_filters = (*enum_filters(User.role), "is_active", "email_verified")
    column_sortable_list = ("id", "email", "created_at", "last_login_at")
    column_default_sort = ("id", True)
    can_export = False

    def get_query(self) -> Any:
        return super().get_query().filter(User.deleted_at.is_(None))

    def get_count_query(self) -> Any:
        return super().get_count_query().filter(User.deleted_at.is_(None))

    @action("deactivate", "Deactivate", "Deactivate the selected accounts? Their sessions end.")
    def action_deactivate(self, ids: list[str]) -> None:
        admin = panel_admin()
        self._each(
            ids, lambda u: actions.set_user_active(user=u, active=False, actor=admin), "Deactivated"
        )

    @action("activate", "Activate")
    def action_activate(self, ids: list[str]) -> None:
        admin = panel_admin()
        self._each(
            ids, lambda u: actions.set_user_active(user=u, active=True, actor=admin), "Activated"
        )

    @action("verify", "Mark verified")
    def action_verify(self, ids: list[str]) -> None:
        admin = panel_admin()
        self._each(
            ids,
            lambda u: actions.set_user_verified(user=u, verified=True, actor=admin),
            "Marked verified",
        )


class CompanyView(_RowActions):
    column_list = ("id", "name", "slug", "verified", "location", "size", "created_at")
    column_searchable_list = ("name",)
    column_filters = ("verified", *enum_filters(Company.size))
    column_sortable_list = ("id", "name", "created_at")
    column_default_sort = ("id", True)

    def get_query(self) -> Any:
        return super().get_query().filter(Company.deleted_at.is_(None))

    def get_count_query(self) -> Any:
        return super().get_count_query().filter(Company.deleted_at.is_(None))

    @action("verify", "Verify")
    def action_verify(self, ids: list[str]) -> None:
        admin = panel_admin()
        self._each(
            ids,
            lambda c: actions.set_company_verified(company=c, verified=True, actor=admin),
            "Verified",
        )

    @action("unverify", "Unverify")
    def action_unverify(self, ids: list[str]) -> None:
        admin = panel_admin()
        self._each(
            ids,
            lambda c: actions.set_company_verified(company=c, verified=False, actor=admin),
            "Unverified",
        )


class JobView(SecureModelView):
    """Every live job with its moderation state (decisions are taken in the queue)."""

    column_list = (
        "id",
        "title",
        "company_name",
        "status",
        "moderation_status",
        "moderation_reason",
        "moderated_at",
        "published_at",
    )
    column_details_list = (
        *column_list,
        "company_id",
        "location",
        "country",
        "remote",
        "employment_type",
        "seniority",
        "skills",
        "description",
        "moderated_by_id",
        "expires_at",
        "created_at",
        "updated_at",
        "decisions",
    )
    # The decision history (who, when, what, why), oldest first, on the job's details.
    column_formatters_detail = {"decisions": lambda _v, _c, job, _n: _decisions(job)}
    column_searchable_list = ("title",)  # trigram index on PostgreSQL
    column_filters = enum_filters(Job.status, Job.moderation_status)
    column_sortable_list = ("id", "published_at", "moderated_at")
    column_default_sort = ("id", True)
    simple_list_pager = True  # 100,000 jobs: no count(*) per page

    def get_query(self) -> Any:
        return super().get_query().filter(Job.deleted_at.is_(None))


def _decisions(job: Job) -> Markup:
    lines = [
        f"{d.created_at:%Y-%m-%d %H:%M} UTC: {d.decision.value} by #{d.actor_id}"
        + (f" ({d.reason_code.value})" if d.reason_code else "")
        + (f": {d.message}" if d.message else "")
        for d in moderation.decision_history(job=job)
    ]
    return Markup("<br>").join(lines) if lines else Markup("none yet")


class ApplicationView(SecureModelView):
    """Applications, read only (the pipeline is the employers')."""

    column_list = (
        "id",
        "job_id",
        "company_id",
        "candidate_id",
        "status",
        "source",
        "created_at",
        "status_changed_at",
    )
    column_details_list = (*column_list, "resume_id", "updated_at")
    column_filters = enum_filters(Application.status, Application.source)
    column_sortable_list = ("id", "created_at")
    column_default_sort = ("id", True)
    simple_list_pager = True  # hundreds of thousands of rows: no count(*) per page

    def get_query(self) -> Any:
        return super().get_query().filter(Application.live())

    def get_count_query(self) -> Any:
        return super().get_count_query().filter(Application.live())

    def get_one(self, id: Any) -> Any:
        found = super().get_one(id)
        return None if found is None or found.deleted_at is not None else found


class ReportView(_RowActions):
    """Reports from users: resolve (upheld) or dismiss (nothing wrong)."""

    column_list = (
        "id",
        "job_id",
        "reporter_id",
        "reason",
        "status",
        "details",
        "created_at",
        "resolved_at",
    )
    column_filters = enum_filters(JobReport.status, JobReport.reason)
    column_sortable_list = ("id", "created_at")
    column_default_sort = ("id", False)  # the oldest first, as the queue

    @action("resolve", "Resolve", "Uphold the selected reports?")
    def action_resolve(self, ids: list[str]) -> None:
        admin = panel_admin()
        self._each(ids, lambda r: _settle("resolve", r, admin), "Resolved")

    @action("dismiss", "Dismiss", "Dismiss the selected reports?")
    def action_dismiss(self, ids: list[str]) -> None:
        admin = panel_admin()
        self._each(ids, lambda r: _settle("dismiss", r, admin), "Dismissed")


def _settle(outcome: str, report: JobReport, admin: Any) -> bool:
    """Settle an open report (the API's ``settle_report``); a settled one is skipped."""
    if report.status != ReportStatus.OPEN:
        return False
    moderation.settle_report(report=report, actor=admin, outcome=outcome)
    return True


def record_views() -> list:
    return [
        ReportView(JobReport, name="Reports", endpoint="admin_reports", url="/admin/reports"),
        UserView(User, name="Users", endpoint="admin_users", url="/admin/users"),
        CompanyView(Company, name="Companies", endpoint="admin_companies", url="/admin/companies"),
        JobView(Job, name="Jobs", endpoint="admin_jobs", url="/admin/jobs"),
        ApplicationView(
            Application,
            name="Applications",
            endpoint="admin_applications",
            url="/admin/applications",
        ),
    ]
