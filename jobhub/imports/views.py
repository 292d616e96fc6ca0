"""Import endpoints (SPEC §10): upload a CSV, follow it, its refused rows, confirm, undo."""

from __future__ import annotations

import re
from typing import Any

from flask import Response, request
from flask_smorest import Blueprint

from jobhub.companies import services as companies
from jobhub.errors import NotFound, ValidationError
from jobhub.imports import policies, queries, services
from jobhub.imports.models import Import
from jobhub.imports.schemas import (
    ImportQueuedSchema,
    ImportSchema,
    ImportUploadSchema,
)
from jobhub.security import auth_required, authorize, current_user

blp = Blueprint(
    "imports",
    __name__,
    description=(
        "CSV imports of jobs or applications into a company: every row validated first, "
        "then all rows in one transaction (or the valid ones, `skip_invalid`); dry runs, "
        "undo. Progress live over socket.io (`import.progress`) and in `progress`, "
        "`import.finished` when done."
    ),
)
KEY_HEADER = "Idempotency-Key"
_KEY = re.compile(r"^[\x21-\x7e]{1,200}$")
KEY_DOC = {
    "in": "header",
    "name": KEY_HEADER,
    "required": False,
    "schema": {"type": "string", "maxLength": 200},
    "description": "Repeating a key (per company) returns the first import, not a new one.",
}


def _idempotency_key() -> str | None:
    key = request.headers.get(KEY_HEADER)
    if key is None:
        return None
    if not _KEY.match(key):
        raise ValidationError(
            errors={"headers": {KEY_HEADER: ["1 to 200 printable ASCII characters."]}}
        )
    return key


def _content(upload: Any) -> str:
    """The uploaded file as text: UTF-8 (a BOM is fine), no NUL bytes."""
    try:
        text = upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        text = None
    if text is None or "\x00" in text:
        raise ValidationError(errors={"files": {"file": ["A UTF-8 CSV file is required."]}})
    return text


@blp.route("", methods=["POST"])
@auth_required("employer", api_key="jobs:write")
@blp.arguments(ImportUploadSchema, location="form_and_files")
@blp.response(202, ImportQueuedSchema)
@blp.doc(parameters=[KEY_DOC])
@blp.alt_response(
    422,
    response="DEFAULT_ERROR",
    description="Invalid form fields, no file or not UTF-8, a company that is not yours.",
)
def create_import(form: dict[str, Any]) -> Import:
    """Upload a CSV of jobs or applications for one of your companies: validated and
    imported by a task."""
    try:
        company = companies.get_company(company_id=form["company_id"])
    except NotFound:
        raise ValidationError(errors={"form": {"company_id": ["No such company."]}}) from None
    role = companies.role_of(actor=current_user, company_id=company.id)
    authorize(policies.can_import(current_user, role), "Only the company's members import.")
    resource = form["resource"].value
    authorize(
        policies.key_may_import(current_user, resource),
        f"This API key lacks the scope {policies.RESOURCE_SCOPES.get(resource)}.",
    )
    upload = form["file"]
    return services.create_import(
        actor=current_user,
        company=company,
        resource=form["resource"],
        content=_content(upload),
        filename=upload.filename,
        dry_run=form["dry_run"],
        skip_invalid=form["skip_invalid"],
        key=_idempotency_key(),
    )


def _visible(import_id: int) -> Import:
    return queries.get_visible_import(actor=current_user, import_id=import_id)


def _manageable(import_id: int) -> Import:
    row = _visible(import_id)
    role = companies.role_of(actor=current_user, company_id=row.company_id)
    authorize(policies.can_import(current_user, role), "Only the company's members may.")
    return row


@blp.route("/<int:import_id>")
@auth_required(api_key="jobs:read")
@blp.response(200, ImportSchema)
@blp.alt_response(404, response="DEFAULT_ERROR", description="No such import, or not yours.")
def get_import(import_id: int) -> Import:
    """An import: status, counts (total, valid, invalid, created), the first 1,000 errors."""
    return _visible(import_id)


@blp.route("/<int:import_id>/errors.csv")
@auth_required(api_key="jobs:read")
@blp.response(200, description="The refused rows as uploaded, with an `error` column.")
@blp.doc(
    responses={
        "200": {
            "description": "The refused rows as uploaded, with an `error` column.",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        }
    }
)
@blp.alt_response(404, response="DEFAULT_ERROR", description="No such import, or not yours.")
def import_errors(import_id: int) -> Response:
    """The rows the validation refused, as a CSV (header first; an `error` column)."""
    row = _visible(import_id)
    response = Response(services.rejected_rows_csv(row=row), mimetype="text/csv")
    filename = f"jobhub-import-{row.id}-errors.csv"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@blp.route("/<int:import_id>/confirm", methods=["POST"])
@auth_required(api_key="jobs:write")
@blp.response(202, ImportQueuedSchema)
@blp.alt_response(404, response="DEFAULT_ERROR", description="No such import, or not yours.")
@blp.alt_response(409, response="DEFAULT_ERROR", description="`conflict`: not a validated dry run.")
def confirm_import(import_id: int) -> Import:
    """Apply a validated dry run (its rows are validated again, then imported)."""
    return services.confirm(row=_manageable(import_id), actor=current_user)


@blp.route("/<int:import_id>/undo", methods=["POST"])
@auth_required(api_key="jobs:write")
@blp.response(200, ImportSchema)
@blp.alt_response(404, response="DEFAULT_ERROR", description="No such import, or not yours.")
@blp.alt_response(409, response="DEFAULT_ERROR", description="`conflict`: the import is not done.")
def undo_import(import_id: int) -> Import:
    """Soft-delete what the import created (jobs; or applications and the accounts it
    made that have nothing else); status `undone`."""
    return services.undo(row=_manageable(import_id), actor=current_user)
