"""Interview endpoints under ``/interviews``: reschedule, cancel, feedback (SPEC §4).

Scheduling and listing an application's interviews are ``/applications/{id}/interviews``
(``jobhub.applications.views``). An interview whose application you may not see is 404.
"""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from jobhub.applications import policies as application_policies
from jobhub.applications.interviews import policies, queries, services
from jobhub.applications.interviews.models import Interview, InterviewFeedback
from jobhub.applications.interviews.schemas import (
    FeedbackCreateSchema,
    FeedbackSchema,
    FeedbackUpdateSchema,
    InterviewSchema,
    InterviewUpdateSchema,
)
from jobhub.applications.models import Application
from jobhub.applications.schemas import Shown, documented_errors, shown
from jobhub.pagination import PAGINATION, paginated
from jobhub.security import auth_required, authorize, current_user

blp = Blueprint("interviews", __name__, description="Interviews: reschedule, cancel, feedback.")


def _shown(items: Any) -> Any:
    return shown(items, for_candidate=not application_policies.sees_employer_view(current_user))


def _interview(interview_id: int) -> tuple[Interview, Application]:
    return queries.get_visible_interview(actor=current_user, interview_id=interview_id)


@blp.route("/<int:interview_id>")
@auth_required()
@blp.response(200, InterviewSchema)
@documented_errors(blp, 404)
def get_interview(interview_id: int) -> Shown:
    """One interview (both sides; candidates: time, kind, place and status)."""
    return _shown(_interview(interview_id)[0])


@blp.route("/<int:interview_id>", methods=["PATCH"])
@auth_required()
@blp.arguments(InterviewUpdateSchema)
@blp.response(200, InterviewSchema)
@documented_errors(blp, 403, 404, 409, 422)
def reschedule_interview(changes: dict[str, Any], interview_id: int) -> Shown:
    """Reschedule or change an interview (members): updated invites, same event."""
    interview, application = _interview(interview_id)
    authorize(policies.can_manage_interviews(current_user), "Members change services.")
    return _shown(
        services.reschedule(interview=interview, application=application, changes=changes)
    )


@blp.route("/<int:interview_id>", methods=["DELETE"])
@auth_required()
@blp.response(204)
@documented_errors(blp, 403, 404)
def cancel_interview(interview_id: int) -> None:
    """Cancel an interview (members): CANCEL invites; the candidate is notified."""
    interview, application = _interview(interview_id)
    authorize(policies.can_manage_interviews(current_user), "Members cancel services.")
    services.cancel(interview=interview, application=application)


@blp.route("/<int:interview_id>/feedback")
@auth_required()
@blp.response(200, FeedbackSchema(many=True))
@blp.paginate(**PAGINATION)
@documented_errors(blp, 403, 404)
def list_feedback(interview_id: int, pagination_parameters: Any) -> list[InterviewFeedback]:
    """The interview's feedback (members and admins; never the candidate)."""
    interview, _application = _interview(interview_id)
    authorize(policies.can_read_feedback(current_user), "Feedback is the company's.")
    return paginated(queries.feedback_query(interview=interview), pagination_parameters)


@blp.route("/<int:interview_id>/feedback", methods=["POST"])
@auth_required()
@blp.arguments(FeedbackCreateSchema)
@blp.response(201, FeedbackSchema)
@documented_errors(blp, 403, 404, 409, 422)
def give_feedback(data: dict[str, Any], interview_id: int) -> InterviewFeedback:
    """Give feedback on an interview (members; one each, PATCH to amend)."""
    interview, _application = _interview(interview_id)
    authorize(policies.can_give_feedback(current_user), "Members give feedback.")
    return services.give_feedback(interview=interview, author=current_user, data=data)


@blp.route("/<int:interview_id>/feedback/<int:feedback_id>", methods=["PATCH"])
@auth_required()
@blp.arguments(FeedbackUpdateSchema)
@blp.response(200, FeedbackSchema)
@documented_errors(blp, 403, 404, 422)
def update_feedback(changes: dict[str, Any], interview_id: int, feedback_id: int) -> Any:
    """Amend your own feedback."""
    interview, _application = _interview(interview_id)
    authorize(policies.can_read_feedback(current_user), "Feedback is the company's.")
    feedback = queries.get_feedback(interview=interview, feedback_id=feedback_id)
    authorize(policies.can_amend_feedback(current_user, feedback), "Only its author amends it.")
    return services.update_feedback(feedback=feedback, changes=changes)
