"""The audit log in the panel: read only, the API's filters, a CSV download of them.

Built on ``jobhub.audit`` (the same query and CSV rows as ``GET /api/v1/admin/audit``
and ``/admin/audit.csv``); keyset paging by id, no count query.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Response, request
from flask_admin import expose

from jobhub.admin.base import SecureView, parse_id
from jobhub.audit import queries, services
from jobhub.audit.models import AuditEntry
from jobhub.db import db
from jobhub.downloads import csv_attachment

PAGE_SIZE = 50
TEXT_FILTERS = {"action": 64, "target_type": 40, "target_id": 64, "request_id": 128}


def _moment(value: str) -> datetime | None:
    """A date or an ISO-8601 moment from the filter form (UTC when no zone is given)."""
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def audit_filters(args: Any) -> tuple[dict[str, Any], list[str]]:
    """The filters the query string names, as ``audit_query`` takes them; and problems."""
    filters: dict[str, Any] = {}
    problems: list[str] = []
    if args.get("actor_id"):
        actor_id = parse_id(args["actor_id"])
        if actor_id is None:
            problems.append("actor_id must be a user id")
        filters["actor_id"] = actor_id
    for name, limit in TEXT_FILTERS.items():
        value = args.get(name, "").strip()
        if value:
            filters[name] = value[:limit]
    for name in ("since", "until"):
        if args.get(name):
            moment = _moment(args[name])
            if moment is None:
                problems.append(f"{name} must be a date or an ISO-8601 moment")
            filters[name] = moment
    return filters, problems


class AuditLogView(SecureView):
    """Newest first, 50 a page, filter by actor, action, target, request id and time."""

    @expose("/")
    def index(self) -> str | Response:
        filters, problems = audit_filters(request.args)
        if problems:
            return Response("; ".join(problems), status=400, mimetype="text/plain")
        query = queries.audit_query(**filters)
        before = parse_id(request.args.get("before"))
        if before is not None:
            query = query.where(AuditEntry.id < before)
        rows = list(db.session.scalars(query.limit(PAGE_SIZE + 1)))
        return self.render(
            "admin/jobhub/audit.html",
            entries=[(entry, services.shown_changes(entry)) for entry in rows[:PAGE_SIZE]],
            next_before=rows[PAGE_SIZE - 1].id if len(rows) > PAGE_SIZE else None,
            args={k: v for k, v in request.args.items() if k != "before"},
        )

    @expose("/csv")
    def download(self) -> Response:
        """Every row of the filter as CSV (formula-looking cells escaped, SPEC §10)."""
        filters, problems = audit_filters(request.args)
        if problems:
            return Response("; ".join(problems), status=400, mimetype="text/plain")
        rows = services.csv_rows(queries.audit_query(**filters))
        return csv_attachment(rows, stem="audit")
