"""Export endpoints (SPEC §10): ask, follow, download."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, BinaryIO

from flask import Response
from flask_smorest import Blueprint

from jobhub.exports import queries, services
from jobhub.exports.models import CONTENT_TYPES, Export
from jobhub.exports.schemas import ExportCreateSchema, ExportQueuedSchema, ExportSchema
from jobhub.pagination import PAGINATION, paginated
from jobhub.security import auth_required, current_user

blp = Blueprint(
    "exports",
    __name__,
    description=(
        "Exports of jobs, applications (with every stage move) and the caller's whole "
        "account, built in the background: progress live over socket.io "
        "(`export.progress`) and here, `export.ready` when done, download by the owner."
    ),
)
DOWNLOAD_CHUNK = 64 * 1024


@blp.route("", methods=["POST"])
@auth_required()
@blp.arguments(
    ExportCreateSchema,
    example={"resource": "applications", "format": "csv", "filters": {"status": "hired"}},
)
@blp.response(202, ExportQueuedSchema)
@blp.alt_response(401, response="DEFAULT_ERROR", description="Missing, invalid or revoked token.")
@blp.alt_response(
    422,
    response="DEFAULT_ERROR",
    description="Unknown resource, format, filter or field; account other than zip;"
    " `jobs` asked by a candidate (candidates export their applications or their account).",
)
def create_export(data: dict[str, Any]) -> Any:
    """Ask for an export: stored with its filters and built by a background task."""
    return services.create_export(
        owner=current_user,
        resource=data["resource"],
        format=data["format"],
        filters=data["filters"],
        fields=data.get("columns"),
    )


@blp.route("")
@auth_required()
@blp.response(200, ExportSchema(many=True))
@blp.paginate(**PAGINATION)
@blp.alt_response(401, response="DEFAULT_ERROR", description="Missing, invalid or revoked token.")
def list_exports(pagination_parameters: Any) -> Any:
    """The caller's exports, newest first."""
    return paginated(queries.own_exports_query(owner_id=current_user.id), pagination_parameters)


@blp.route("/<int:export_id>")
@auth_required()
@blp.response(200, ExportSchema)
@blp.alt_response(401, response="DEFAULT_ERROR", description="Missing, invalid or revoked token.")
@blp.alt_response(404, response="DEFAULT_ERROR", description="No such export of yours.")
def get_export(export_id: int) -> Export:
    """One export: status, progress (0-100), rows, size, expiry, error."""
    return services.get_export(owner=current_user, export_id=export_id)


@blp.route("/<int:export_id>/download")
@auth_required()
@blp.response(200, description="The export's file, as an attachment.")
@blp.doc(
    responses={
        "200": {
            "description": "The export's file, as an attachment.",
            "content": {
                content_type: {"schema": {"type": "string", "format": "binary"}}
                for content_type in CONTENT_TYPES.values()
            },
        }
    }
)
@blp.alt_response(401, response="DEFAULT_ERROR", description="Missing, invalid or revoked token.")
@blp.alt_response(
    404, response="DEFAULT_ERROR", description="No such export of yours, or not ready."
)
@blp.alt_response(410, response="DEFAULT_ERROR", description="Expired (EXPORT_RETENTION_HOURS).")
def download_export(export_id: int) -> Response:
    """Download a finished export (owner only; recorded in the audit log)."""
    export, stream = services.open_download(owner=current_user, export_id=export_id)
    response = Response(_chunks(stream), content_type=export.content_type, direct_passthrough=True)
    response.headers["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    if export.size_bytes is not None:
        response.headers["Content-Length"] = str(export.size_bytes)
    response.headers["Cache-Control"] = "private, no-store"
    if export.sha256:
        response.set_etag(export.sha256)
    return response


def _chunks(stream: BinaryIO) -> Iterator[bytes]:
    try:
        while chunk := stream.read(DOWNLOAD_CHUNK):
            yield chunk
    finally:
        stream.close()
