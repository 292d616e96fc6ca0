"""Application endpoints (SPEC §4): thin views → policy → one service call.

An application (and its interviews) you may not see is 404; an action you may not take
on one you can see is 403. Responses are shaped for their reader (``schemas.Shown``).
"""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from jobhub import bulk
from jobhub.applications import policies, queries, services
from jobhub.applications.interviews import policies as interview_policies
from jobhub.applications.interviews import queries as interview_queries
from jobhub.applications.interviews import services as interviews
from jobhub.applications.interviews.schemas import InterviewCreateSchema, InterviewSchema
from jobhub.applications.models import Application, transition_table_markdown
from jobhub.applications.schemas import (
    ApplicationEventSchema,
    ApplicationListArgsSchema,
    ApplicationSchema,
    ApplyArgsSchema,
    BulkApplySchema,
    BulkStatusChangeSchema,
    NoteCreateSchema,
    NoteSchema,
    Shown,
    StatusChangeSchema,
    documented_errors,
    shown,
)
from jobhub.pagination import PAGINATION, paginated, paginated_in_one
from jobhub.security import auth_required, authorize, current_user

blp = Blueprint(
    "applications", __name__, description="Applications, the hiring pipeline, notes, interviews."
)

STATUS_DOC = f"""Move an application along the pipeline, as the caller's side.

The job's company members act as the **employer**, the applicant as the **candidate**;
admins see every application but move none (403). `reason` goes only with `rejected`.
A move the table does not allow is 409 `invalid_transition`, naming the allowed targets.

{transition_table_markdown()}
"""


def _shown(items: Any) -> Any:
    return shown(items, for_candidate=not policies.sees_employer_view(current_user))


def _application(application_id: int) -> Application:
    return queries.get_visible_application(actor=current_user, application_id=application_id)


@blp.route("/jobs/<int:job_id>/applications", methods=["POST"])
@auth_required("candidate")
@blp.arguments(ApplyArgsSchema, required=False)
@blp.response(201, ApplicationSchema)
@documented_errors(blp, 403, 404, 409, 422)
def apply(data: dict[str, Any], job_id: int) -> Shown:
    """Apply to a public job (candidates; one active application per job)."""
    return _shown(services.apply(actor=current_user, job_id=job_id, **data))


@blp.route("/applications")
@auth_required(api_key="applications:read")
@blp.arguments(ApplicationListArgsSchema, location="query")
@blp.response(200, ApplicationSchema(many=True))
@blp.paginate(**PAGINATION)
@documented_errors(blp, 422)
def list_applications(args: dict[str, Any], pagination_parameters: Any) -> list[Shown]:
    """Candidates: their own; employers: those to their companies' jobs; admins: all."""
    query = queries.list_query(actor=current_user, **args)
    return _shown(paginated_in_one(query, pagination_parameters))


BULK_422 = (
    "`validation_error`: nothing was changed; `errors` maps each refused item's index "
    '(in `ids` / `job_ids`) to why (`{"2": {"status": ["..."]}}`): an application or job '
    "you cannot see (`id`, `job_id`), a move the transition table refuses (`status`), "
    "a job you already applied to (`job_id`)."
)


@blp.route("/applications/bulk/status", methods=["PATCH"])
@auth_required(api_key="applications:write")
@blp.arguments(BulkStatusChangeSchema)
@blp.response(200, bulk.BulkResultsSchema)
@documented_errors(blp, 403)
@blp.alt_response(422, response="DEFAULT_ERROR", description=BULK_422)
def bulk_change_status(data: dict[str, Any]) -> dict[str, Any]:
    """Move up to 1,000 applications to one status, as the caller's side: all, or none."""
    authorize(policies.can_move(current_user), "Admins see applications but move none.")
    moved = services.bulk_change_status(
        actor=current_user,
        side=policies.side_of(current_user),
        ids=data["ids"],
        target=data["status"],
        note=data.get("note"),
        reason=data.get("reason"),
    )
    return bulk.results([(application.id, application.status.value) for application in moved])


@blp.route("/applications/bulk", methods=["POST"])
@auth_required("candidate")
@blp.arguments(BulkApplySchema)
@blp.response(200, bulk.BulkResultsSchema)
@documented_errors(blp, 403)
@blp.alt_response(422, response="DEFAULT_ERROR", description=BULK_422)
def bulk_apply(data: dict[str, Any]) -> dict[str, Any]:
    """Apply to up to 1,000 public jobs at once (candidates): all of them, or none."""
    applied = services.bulk_apply(actor=current_user, **data)
    return bulk.results([(application.id, application.status.value) for application in applied])


@blp.route("/applications/<int:application_id>")
@auth_required(api_key="applications:read")
@blp.response(200, ApplicationSchema)
@documented_errors(blp, 404)
def get_application(application_id: int) -> Shown:
    """One application: its candidate, the job's company members, admins."""
    return _shown(_application(application_id))


@blp.route("/applications/<int:application_id>/status", methods=["PATCH"])
@auth_required(api_key="applications:write")
@blp.arguments(StatusChangeSchema)
@blp.response(200, ApplicationSchema)
@blp.doc(description=STATUS_DOC)
@documented_errors(blp, 403, 404, 409, 422)
def change_status(data: dict[str, Any], application_id: int) -> Shown:
    """Move an application (see the transition table)."""
    application = _application(application_id)
    authorize(policies.can_move(current_user), "Admins see applications but move none.")
    moved = services.change_status(
        application=application,
        actor=current_user,
        side=policies.side_of(current_user),
        target=data["status"],
        note=data.get("note"),
        reason=data.get("reason"),
    )
    return _shown(moved)


@blp.route("/applications/<int:application_id>/history")
@auth_required(api_key="applications:read")
@blp.response(200, ApplicationEventSchema(many=True))
@blp.paginate(**PAGINATION)
@documented_errors(blp, 404)
def history(application_id: int, pagination_parameters: Any) -> list[Shown]:
    """The recorded moves, oldest first (candidates: without the company's notes)."""
    query = queries.history_query(application=_application(application_id))
    return _shown(paginated(query, pagination_parameters))


@blp.route("/applications/<int:application_id>/notes")
@auth_required()
@blp.response(200, NoteSchema(many=True))
@blp.paginate(**PAGINATION)
@documented_errors(blp, 403, 404)
def list_notes(application_id: int, pagination_parameters: Any) -> list[Any]:
    """The company's private notes, oldest first (members and admins)."""
    application = _application(application_id)
    authorize(policies.can_read_notes(current_user), "Notes are the company's.")
    return paginated(queries.notes_query(application=application), pagination_parameters)


@blp.route("/applications/<int:application_id>/notes", methods=["POST"])
@auth_required()
@blp.arguments(NoteCreateSchema)
@blp.response(201, NoteSchema)
@documented_errors(blp, 403, 404, 422)
def add_note(data: dict[str, Any], application_id: int) -> Any:
    """Add a private note (members); never shown to the candidate."""
    application = _application(application_id)
    authorize(policies.can_write_notes(current_user), "Only the company's members write notes.")
    return services.add_note(application=application, author=current_user, body=data["body"])


@blp.route("/applications/<int:application_id>/interviews")
@auth_required()
@blp.response(200, InterviewSchema(many=True))
@blp.paginate(**PAGINATION)
@documented_errors(blp, 404)
def list_interviews(application_id: int, pagination_parameters: Any) -> list[Shown]:
    """The application's interviews in time order (both sides; candidates: time and place)."""
    query = interview_queries.interviews_query(application=_application(application_id))
    return _shown(paginated(query, pagination_parameters))


@blp.route("/applications/<int:application_id>/interviews", methods=["POST"])
@auth_required()
@blp.arguments(InterviewCreateSchema)
@blp.response(201, InterviewSchema)
@documented_errors(blp, 403, 404, 409, 422)
def schedule_interview(data: dict[str, Any], application_id: int) -> Shown:
    """Schedule an interview (members): invites to both sides; screening → interviewing."""
    application = _application(application_id)
    authorize(
        interview_policies.can_manage_interviews(current_user), "Members schedule interviews."
    )
    return _shown(interviews.schedule(application=application, actor=current_user, data=data))
