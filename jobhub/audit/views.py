"""The audit log for admins: ``GET /admin/audit`` (JSON, paginated) and ``/admin/audit.csv``."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_smorest import Blueprint

from jobhub.audit import queries, services
from jobhub.audit.models import AuditEntry
from jobhub.audit.schemas import AuditEntrySchema, AuditFilterSchema
from jobhub.downloads import csv_attachment
from jobhub.pagination import PAGINATION, paginated
from jobhub.security import auth_required

blp = Blueprint("admin-audit", __name__, description="The audit log (admins).")


@blp.route("/audit")
@auth_required("admin")
@blp.arguments(AuditFilterSchema, location="query")
@blp.response(200, AuditEntrySchema(many=True))
@blp.paginate(**PAGINATION)
@blp.alt_response(403, response="DEFAULT_ERROR", description="Admins only.")
def list_audit(filters: dict[str, Any], pagination_parameters: Any) -> list[AuditEntry]:
    """Audit entries, newest first: filter by actor, action, target, request id and time
    (`since` inclusive, `until` exclusive). Personal values erased under SPEC §10 show as
    `changes.redacted: true` with `ip` null."""
    return paginated(queries.audit_query(**filters), pagination_parameters)


@blp.route("/audit.csv")
@auth_required("admin")
@blp.arguments(AuditFilterSchema, location="query")
@blp.response(200, content_type="text/csv", description="RFC 4180 CSV, UTF-8.")
@blp.alt_response(403, response="DEFAULT_ERROR", description="Admins only.")
def audit_csv(filters: dict[str, Any]) -> Response:
    """The same filter as `GET /admin/audit`, every matching row as a CSV download
    (newest first; cells that start with `= + - @` or a tab are prefixed with `'`)."""
    rows = services.csv_rows(queries.audit_query(**filters))
    return csv_attachment(rows, stem="audit")
