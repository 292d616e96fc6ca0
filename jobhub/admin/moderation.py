"""The moderation queue: pending and flagged jobs, oldest first; approve, reject, in bulk.

Each decision is the API's own service call (``jobs.moderation.services``), so the
employer gets the same notification and the same audit row whichever way it was taken.
"""

from __future__ import annotations

from typing import Any

from flask import Response, flash, redirect, request, url_for
from flask_admin import expose
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length, Optional

from jobhub.admin.base import PanelForm, SecureView, panel_admin, parse_id, safe_next
from jobhub.db import db
from jobhub.errors import JobHubError
from jobhub.jobs import services as jobs
from jobhub.jobs.models import Job, ModerationStatus
from jobhub.jobs.moderation import queries
from jobhub.jobs.moderation import services as moderation

PAGE_SIZE = 25
MAX_BULK = 100
# SPEC §8's reason codes for a rejection.
REASON_CODES = ("spam", "scam", "discriminatory", "misleading", "duplicate", "incomplete", "other")
REASON_CHOICES = [("", "Reason…"), *[(code, code.capitalize()) for code in REASON_CODES]]


class DecisionFields(PanelForm):
    decision = HiddenField(validators=[AnyOf(["approve", "reject"])])
    reason_code = StringField(validators=[Optional(), AnyOf(REASON_CODES)])
    message = TextAreaField(validators=[Optional(), Length(max=2000)])

    def validate(self, extra_validators: Any = None) -> bool:
        """A rejection needs a reason code and a message for the employer."""
        if not super().validate(extra_validators):
            return False
        if self.decision.data == "reject":
            if not self.reason_code.data:
                self.reason_code.errors = ["A rejection needs a reason code."]
                return False
            if not (self.message.data or "").strip():
                self.message.errors = ["A rejection needs a message for the employer."]
                return False
        return True


class DecisionForm(DecisionFields):
    """Approve or reject one job (each row of the queue)."""

    job_id = HiddenField(validators=[DataRequired()])


def decide(*, job: Job, actor: Any, decision: str, reason_code: str | None, message: str) -> None:
    """The one call the panel makes per decision (the API's ``moderate_job``)."""
    rejected = decision == "reject"
    moderation.moderate_job(
        job=job,
        actor=actor,
        decision=decision,
        reason_code=reason_code if rejected else None,
        message=message.strip() if rejected else None,
    )


def _job_ids(values: list[str]) -> list[int] | None:
    """Row ids sent by the form; None if any is not a sane id."""
    ids = [parse_id(value) for value in values]
    if any(job_id is None for job_id in ids):
        return None
    return list(dict.fromkeys(ids))


def _form_errors(form: PanelForm) -> str:
    return "; ".join(f"{name}: {', '.join(errors)}" for name, errors in form.errors.items())


class ModerationQueueView(SecureView):
    """Published jobs awaiting a decision: the oldest first, 25 a page (no count query)."""

    @expose("/")
    def index(self) -> str:
        status = request.args.get("status", "")
        moderation_status = ModerationStatus(status) if status in ("pending", "flagged") else None
        title = request.args.get("q", "").strip()[:200]
        page = request.args.get("page", "1")
        page = int(page) if page.isdigit() and len(page) < 7 else 1
        query = queries.moderation_queue_query(
            actor=panel_admin(), moderation_status=moderation_status, title=title or None
        )
        rows = list(db.session.scalars(query.limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)))
        bulk = DecisionFields()
        return self.render(
            "admin/jobhub/moderation.html",
            jobs=rows[:PAGE_SIZE],
            has_next=len(rows) > PAGE_SIZE,
            page=page,
            status=status,
            q=title,
            # One session-bound token serves every form of the page (it names no form).
            csrf_token=bulk.csrf_token.current_token,
            bulk_form=bulk,
            reason_choices=REASON_CHOICES,
        )

    @expose("/decide", methods=("POST",))
    def decide_one(self) -> Response:
        form = DecisionForm(request.form)
        if not form.validate():
            flash(f"Nothing was decided: {_form_errors(form)}", "error")
            return self._back()
        ids = _job_ids([form.job_id.data or ""])
        return self._apply(form, ids)

    @expose("/bulk", methods=("POST",))
    def decide_bulk(self) -> Response:
        form = DecisionFields(request.form)
        ids = _job_ids(request.form.getlist("ids"))
        if not form.validate():
            flash(f"Nothing was decided: {_form_errors(form)}", "error")
            return self._back()
        if not ids or len(ids) > MAX_BULK:
            flash(f"Select between 1 and {MAX_BULK} jobs.", "error")
            return self._back()
        return self._apply(form, ids)

    def _apply(self, form: DecisionFields, ids: list[int] | None) -> Response:
        """Every job is looked up first: one that is gone decides none of them."""
        admin = panel_admin()
        try:
            found = [jobs.get_visible_job(actor=admin, job_id=job_id) for job_id in ids or []]
        except JobHubError:
            found = []
        if not found:
            flash("No such job: nothing was decided.", "error")
            return self._back()
        for job in found:
            decide(
                job=job,
                actor=admin,
                decision=form.decision.data,
                reason_code=form.reason_code.data or None,
                message=form.message.data or "",
            )
        verdict = "Approved" if form.decision.data == "approve" else "Rejected"
        flash(f"{verdict}: " + ", ".join(f"“{job.title}” (#{job.id})" for job in found), "success")
        return self._back()

    def _back(self) -> Response:
        return redirect(safe_next(request.form.get("next")) or url_for(".index"))
