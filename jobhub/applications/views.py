"""Application and interview endpoints (SPEC §4): thin views → policy → one service call.

An application (and its interviews) you may not see is 404; an action you may not take
on one you can see is 403. Responses are shaped for their reader (``schemas.Shown``).
"""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from jobhub.applications import interviews, policies, services
from jobhub.applications.models import Application, Interview, InterviewFeedback
from jobhub.applications.pipeline import transition_table_markdown
from jobhub.applications.schemas import (
    ApplicationEventSchema,
    ApplicationListArgsSchema,
    ApplicationSchema,
    ApplyArgsSchema,
    FeedbackCreateSchema,
    FeedbackSchema,
    FeedbackUpdateSchema,
    InterviewCreateSchema,
    InterviewSchema,
    InterviewUpdateSchema,
    NoteCreateSchema,
    NoteSchema,
    Shown,
    StatusChangeSchema,
)
from jobhub.errors import Forbidden
from jobhub.pagination import PAGINATION, paginated
from jobhub.security import auth_required, current_user

blp = Blueprint(
    "applications", __name__, description="Applications, the hiring pipeline, notes, interviews."
)
interviews_blp = Blueprint(
    "interviews", __name__, description="Interviews: reschedule, cancel, feedback."
)

STATUS_DOC = f"""Move an application along the pipeline, as the caller's side.

The job's company members act as the **employer**, the applicant as the **candidate**;
admins see every application but move none (403). `reason` goes only with `rejected`.
A move the table does not allow is 409 `invalid_transition`, naming the allowed targets.

{transition_table_markdown()}
"""


ERRORS = {
    401: "Missing, invalid or revoked token.",
    403: "You see it but may not do this.",
    404: "No such resource, or not visible to you.",
    409: "Refused in the current state (see the message).",
    422: "Invalid input; `errors` names the fields.",
}


def _errors(blueprint: Blueprint, *codes: int) -> Any:
    """Document the error responses of an endpoint (all in the SPEC envelope)."""

    def decorate(view: Any) -> Any:
        for code in (401, *codes):
            view = blueprint.alt_response(code, response="DEFAULT_ERROR", description=ERRORS[code])(
                view
            )
        return view

    return decorate


def _shown(items: Any) -> Any:
    for_candidate = not policies.sees_employer_view(current_user)
    if isinstance(items, list):
        return [Shown(item, for_candidate) for item in items]
    return Shown(items, for_candidate)


def _application(application_id: int) -> Application:
    return services.get_visible_application(actor=current_user, application_id=application_id)


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise Forbidden(message)


@blp.route("/jobs/<int:job_id>/applications", methods=["POST"])
@auth_required("candidate")
@blp.arguments(ApplyArgsSchema)
@blp.response(201, ApplicationSchema)
@_errors(blp, 403, 404, 409, 422)
def apply(data: dict[str, Any], job_id: int) -> Shown:
    """Apply to a public job (candidates; one active application per job)."""
    _require(policies.can_apply(current_user), "Only candidates apply.")
    return _shown(services.apply(actor=current_user, job_id=job_id, **data))


@blp.route("/applications")
@auth_required()
@blp.arguments(ApplicationListArgsSchema, location="query")
@blp.response(200, ApplicationSchema(many=True))
@blp.paginate(**PAGINATION)
@_errors(blp, 422)
def list_applications(args: dict[str, Any], pagination_parameters: Any) -> list[Shown]:
    """Candidates: their own; employers: those to their companies' jobs; admins: all."""
    query = services.list_query(actor=current_user, **args)
    return _shown(paginated(query, pagination_parameters))


@blp.route("/applications/<int:application_id>")
@auth_required()
@blp.response(200, ApplicationSchema)
@_errors(blp, 404)
def get_application(application_id: int) -> Shown:
    """One application: its candidate, the job's company members, admins."""
    return _shown(_application(application_id))


@blp.route("/applications/<int:application_id>/status", methods=["PATCH"])
@auth_required()
@blp.arguments(StatusChangeSchema)
@blp.response(200, ApplicationSchema)
@blp.doc(description=STATUS_DOC)
@_errors(blp, 403, 404, 409, 422)
def change_status(data: dict[str, Any], application_id: int) -> Shown:
    """Move an application (see the transition table)."""
    application = _application(application_id)
    _require(policies.can_move(current_user), "Admins see applications but move none.")
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
@auth_required()
@blp.response(200, ApplicationEventSchema(many=True))
@blp.paginate(**PAGINATION)
@_errors(blp, 404)
def history(application_id: int, pagination_parameters: Any) -> list[Shown]:
    """The recorded moves, oldest first (candidates: without the company's notes)."""
    query = services.history_query(application=_application(application_id))
    return _shown(paginated(query, pagination_parameters))


@blp.route("/applications/<int:application_id>/notes")
@auth_required()
@blp.response(200, NoteSchema(many=True))
@blp.paginate(**PAGINATION)
@_errors(blp, 403, 404)
def list_notes(application_id: int, pagination_parameters: Any) -> list[Any]:
    """The company's private notes, oldest first (members and admins)."""
    application = _application(application_id)
    _require(policies.can_read_notes(current_user), "Notes are the company's.")
    return paginated(services.notes_query(application=application), pagination_parameters)


@blp.route("/applications/<int:application_id>/notes", methods=["POST"])
@auth_required()
@blp.arguments(NoteCreateSchema)
@blp.response(201, NoteSchema)
@_errors(blp, 403, 404, 422)
def add_note(data: dict[str, Any], application_id: int) -> Any:
    """Add a private note (members); never shown to the candidate."""
    application = _application(application_id)
    _require(policies.can_write_notes(current_user), "Only the company's members write notes.")
    return services.add_note(application=application, author=current_user, body=data["body"])


@blp.route("/applications/<int:application_id>/interviews")
@auth_required()
@blp.response(200, InterviewSchema(many=True))
@blp.paginate(**PAGINATION)
@_errors(blp, 404)
def list_interviews(application_id: int, pagination_parameters: Any) -> list[Shown]:
    """The application's interviews in time order (both sides; candidates: time and place)."""
    query = interviews.interviews_query(application=_application(application_id))
    return _shown(paginated(query, pagination_parameters))


@blp.route("/applications/<int:application_id>/interviews", methods=["POST"])
@auth_required()
@blp.arguments(InterviewCreateSchema)
@blp.response(201, InterviewSchema)
@_errors(blp, 403, 404, 409, 422)
def schedule_interview(data: dict[str, Any], application_id: int) -> Shown:
    """Schedule an interview (members): invites to both sides; screening → interviewing."""
    application = _application(application_id)
    _require(policies.can_manage_interviews(current_user), "Members schedule interviews.")
    return _shown(interviews.schedule(application=application, actor=current_user, data=data))


# -- /interviews -------------------------------------------------------------------------


def _interview(interview_id: int) -> tuple[Interview, Application]:
    return interviews.get_visible_interview(actor=current_user, interview_id=interview_id)


@interviews_blp.route("/<int:interview_id>")
@auth_required()
@interviews_blp.response(200, InterviewSchema)
@_errors(interviews_blp, 404)
def get_interview(interview_id: int) -> Shown:
    """One interview (both sides; candidates: time, kind, place and status)."""
    return _shown(_interview(interview_id)[0])


@interviews_blp.route("/<int:interview_id>", methods=["PATCH"])
@auth_required()
@interviews_blp.arguments(InterviewUpdateSchema)
@interviews_blp.response(200, InterviewSchema)
@_errors(interviews_blp, 403, 404, 409, 422)
def reschedule_interview(changes: dict[str, Any], interview_id: int) -> Shown:
    """Reschedule or change an interview (members): updated invites, same event."""
    interview, application = _interview(interview_id)
    _require(policies.can_manage_interviews(current_user), "Members change interviews.")
    return _shown(
        interviews.reschedule(interview=interview, application=application, changes=changes)
    )


@interviews_blp.route("/<int:interview_id>", methods=["DELETE"])
@auth_required()
@interviews_blp.response(204)
@_errors(interviews_blp, 403, 404)
def cancel_interview(interview_id: int) -> None:
    """Cancel an interview (members): CANCEL invites; the candidate is notified."""
    interview, application = _interview(interview_id)
    _require(policies.can_manage_interviews(current_user), "Members cancel interviews.")
    interviews.cancel(interview=interview, application=application)


@interviews_blp.route("/<int:interview_id>/feedback")
@auth_required()
@interviews_blp.response(200, FeedbackSchema(many=True))
@interviews_blp.paginate(**PAGINATION)
@_errors(interviews_blp, 403, 404)
def list_feedback(interview_id: int, pagination_parameters: Any) -> list[InterviewFeedback]:
    """The interview's feedback (members and admins; never the candidate)."""
    interview, _application = _interview(interview_id)
    _require(policies.can_read_feedback(current_user), "Feedback is the company's.")
    return paginated(interviews.feedback_query(interview=interview), pagination_parameters)


@interviews_blp.route("/<int:interview_id>/feedback", methods=["POST"])
@auth_required()
@interviews_blp.arguments(FeedbackCreateSchema)
@interviews_blp.response(201, FeedbackSchema)
@_errors(interviews_blp, 403, 404, 409, 422)
def give_feedback(data: dict[str, Any], interview_id: int) -> InterviewFeedback:
    """Give feedback on an interview (members; one each, PATCH to amend)."""
    interview, _application = _interview(interview_id)
    _require(policies.can_give_feedback(current_user), "Members give feedback.")
    return interviews.give_feedback(interview=interview, author=current_user, data=data)


@interviews_blp.route("/<int:interview_id>/feedback/<int:feedback_id>", methods=["PATCH"])
@auth_required()
@interviews_blp.arguments(FeedbackUpdateSchema)
@interviews_blp.response(200, FeedbackSchema)
@_errors(interviews_blp, 403, 404, 422)
def update_feedback(changes: dict[str, Any], interview_id: int, feedback_id: int) -> Any:
    """Amend your own feedback."""
    interview, _application = _interview(interview_id)
    _require(policies.can_read_feedback(current_user), "Feedback is the company's.")
    feedback = interviews.get_feedback(interview=interview, feedback_id=feedback_id)
    _require(policies.can_amend_feedback(current_user, feedback), "Only its author amends it.")
    return interviews.update_feedback(feedback=feedback, changes=changes)
