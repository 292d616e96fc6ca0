"""Drop cached analytics when the numbers change: one listener on every flush.

Whatever writes an application (apply, a move, a match score, an import), a job, a
user, a report or a resume analysis, through any service, flushes it through the ORM;
the scopes it touches are collected per transaction and bumped once after the commit
(nothing is bumped for a rollback). Not covered, on purpose: view counts (written by a
bulk ``UPDATE`` every minute; analytics shows them up to the cache's 5 minutes late)
and bulk seeding (``flask seed`` runs before anyone looks).
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from jobhub import cache, signals
from jobhub.analytics.services import CACHE_NAMESPACE
from jobhub.applications.models import Application
from jobhub.db import on_commit
from jobhub.imports.models import Import
from jobhub.jobs.models import Job
from jobhub.jobs.moderation.models import JobReport
from jobhub.resumes.models import Resume
from jobhub.users.models import User

_PENDING = "jobhub_analytics_scopes"


def scopes_of(instance: Any) -> set[str]:
    """The cache scopes whose numbers a change of ``instance`` can move."""
    if isinstance(instance, Application):
        return {
            f"candidate:{instance.candidate_id}",
            f"company:{instance.company_id}",
            "platform",
        }
    if isinstance(instance, Job):
        return {f"company:{instance.company_id}", "platform"}
    if isinstance(instance, User):
        return {f"candidate:{instance.id}", "platform"}
    if isinstance(instance, JobReport):
        return {"platform"}
    if isinstance(instance, Import):
        # Its rows go in, and its undo soft-deletes them, set-based (no ORM flush of
        # theirs): the import's own row moving (done, undone) stands for them. The
        # candidates' dashboards catch up within the cache's lifetime.
        return {f"company:{instance.company_id}", "platform"}
    if isinstance(instance, Resume):
        return {f"candidate:{instance.user_id}"}
    return set()


@event.listens_for(Session, "after_flush")
def _collect(session: Session, _context: Any) -> None:
    touched: set[str] = set()
    for instance in (*session.new, *session.dirty, *session.deleted):
        touched |= scopes_of(instance)
    if not touched:
        return
    pending = session.info.get(_PENDING)
    if pending is None:
        pending = session.info[_PENDING] = set()
        app = current_app._get_current_object()
        # The closure holds the set itself: later flushes of this transaction add to it.
        on_commit(lambda: cache.bump(app, pending, namespace=CACHE_NAMESPACE))
    pending |= touched


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(_PENDING, None)


@signals.account_deleted.connect
def _on_account_deleted(_sender: Any, *, user: User, **_: Any) -> dict[str, Any]:
    """An erased account's cached dashboards are never served again (their scope's
    version is bumped after the commit, as for any write)."""
    app = current_app._get_current_object()
    scopes = {f"candidate:{user.id}", "platform"}
    on_commit(lambda: cache.bump(app, scopes, namespace=CACHE_NAMESPACE))
    return {"erased": ["cached analytics about you"]}
