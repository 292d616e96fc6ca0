"""Resume endpoints: upload, list, read, delete, download, analysis."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO, TypeVar

from flask import Response, current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint
from werkzeug.exceptions import RequestEntityTooLarge

from jobhub.errors import PayloadTooLarge
from jobhub.pagination import PAGINATION, paginated
from jobhub.resumes import policies, queries, services
from jobhub.resumes.files.filenames import content_disposition
from jobhub.resumes.files.filetypes import DOCX_MIME, PDF_MIME
from jobhub.resumes.models import Resume
from jobhub.resumes.schemas import AnalysisSchema, ResumeSchema, UploadSchema
from jobhub.security import auth_required, authorize, current_user

blp = Blueprint(
    "resumes",
    __name__,
    description=(
        "Candidates' resumes: upload (PDF, DOCX, text; ≤ 5 MB; type checked by content), "
        "download, and the analysis that runs in the background."
    ),
)
F = TypeVar("F", bound=Callable[..., Any])
# Room for the multipart envelope around the file: boundaries and part headers.
MULTIPART_ALLOWANCE = 64 * 1024
DOWNLOAD_CHUNK = 64 * 1024


def limit_upload_size(view: F) -> F:
    """Refuse an oversized upload from Content-Length, or while it streams in."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        limit = current_app.config["RESUME_MAX_BYTES"] + MULTIPART_ALLOWANCE
        if request.content_length is not None and request.content_length > limit:
            raise PayloadTooLarge(services.too_large_message())
        # Bodies without a Content-Length (chunked) are cut off at the same limit.
        request.max_content_length = limit
        try:
            return view(*args, **kwargs)
        except RequestEntityTooLarge as exc:
            raise PayloadTooLarge(services.too_large_message()) from exc

    return wrapper  # type: ignore[return-value]


def _own_resume(resume_id: int, *, with_skills: bool = False) -> Resume:
    resume = queries.get_resume(resume_id=resume_id, with_skills=with_skills)
    authorize(
        resume is not None and policies.can_view(current_user, resume),
        "No such resume.",
        hidden=True,
    )
    return resume


@blp.route("")
class Resumes(MethodView):
    @auth_required()
    @blp.response(200, ResumeSchema(many=True))
    @blp.paginate(**PAGINATION)
    def get(self, pagination_parameters: Any) -> list[Resume]:
        """List your resumes, newest first."""
        return paginated(queries.own_resumes_query(user=current_user), pagination_parameters)

    @auth_required("candidate")
    @limit_upload_size
    @blp.arguments(UploadSchema, location="files")
    @blp.response(201, ResumeSchema)
    @blp.alt_response(409, response="DEFAULT_ERROR", description="Resume quota reached.")
    @blp.alt_response(413, response="DEFAULT_ERROR", description="File larger than 5 MB.")
    @blp.alt_response(415, response="DEFAULT_ERROR", description="Not a PDF, DOCX or text file.")
    def post(self, files: dict[str, Any]) -> Resume:
        """Upload a resume (multipart field `file`); its analysis starts in the background."""
        return services.upload_resume(owner=current_user, upload=files["file"])


@blp.route("/<int:resume_id>")
class ResumeById(MethodView):
    @auth_required()
    @blp.response(200, ResumeSchema)
    def get(self, resume_id: int) -> Resume:
        """One of your resumes."""
        return _own_resume(resume_id)

    @auth_required()
    @blp.response(204)
    def delete(self, resume_id: int) -> None:
        """Delete one of your resumes and its stored file."""
        services.delete_resume(resume=_own_resume(resume_id))


@blp.route("/<int:resume_id>/analysis")
@auth_required()
@blp.response(200, AnalysisSchema)
def analysis(resume_id: int) -> Resume:
    """The analysis of one of your resumes: status, skills, experience, education, summary."""
    return _own_resume(resume_id, with_skills=True)


@blp.route("/<int:resume_id>/file")
@auth_required()
@blp.response(200, description="The stored file, as an attachment.")
@blp.doc(
    responses={
        "200": {
            "description": "The stored file, as an attachment, with its detected type.",
            "content": {
                content_type: {"schema": {"type": "string", "format": "binary"}}
                for content_type in (PDF_MIME, DOCX_MIME, "text/plain")
            },
        }
    }
)
def download(resume_id: int) -> Response:
    """Download the stored file (owner, admins, and who other domains allow)."""
    resume = queries.get_resume(resume_id=resume_id)
    authorize(
        resume is not None and policies.can_download_file(current_user, resume),
        "No such resume.",
        hidden=True,
    )
    return _attachment(resume, services.open_resume_file(resume=resume, actor=current_user))


def _attachment(resume: Resume, stream: BinaryIO) -> Response:
    def chunks() -> Iterator[bytes]:
        try:
            while chunk := stream.read(DOWNLOAD_CHUNK):
                yield chunk
        finally:
            stream.close()

    response = Response(chunks(), content_type=resume.content_type, direct_passthrough=True)
    response.headers["Content-Disposition"] = content_disposition(
        ascii_name=resume.download_name,
        display=resume.filename,
        extension="." + resume.file_format.value,
    )
    response.headers["Content-Length"] = str(resume.size_bytes)
    response.headers["Cache-Control"] = "private, no-store"
    response.set_etag(resume.sha256)
    return response
