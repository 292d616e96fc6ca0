"""Matching endpoints: a resume's best jobs, one job, side by side, stats, skill gap."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from jobhub.matching import services
from jobhub.matching.schemas import (
    CompareArgsSchema,
    CompareItemSchema,
    JobMatchSchema,
    MatchResultSchema,
    ResumeArgsSchema,
    SkillGapSchema,
    StatsSchema,
)
from jobhub.matching.scoring import MatchResult
from jobhub.pagination import PAGINATION
from jobhub.security import auth_required, current_user

blp = Blueprint(
    "matching",
    __name__,
    description=(
        "Explainable matching of analysed resumes to jobs: score 0-100 from required-skill "
        "coverage (60), nice-to-have coverage (15) and TF-IDF text similarity (25)."
    ),
)
_NOT_DONE = "The resume's analysis is not done yet."


@blp.route("/resumes/<int:resume_id>/matches")
class ResumeMatches(MethodView):
    @auth_required()
    @blp.response(200, JobMatchSchema(many=True))
    @blp.alt_response(404, response="DEFAULT_ERROR", description="Not your resume.")
    @blp.alt_response(409, response="DEFAULT_ERROR", description=_NOT_DONE)
    @blp.paginate(**PAGINATION)
    def get(self, resume_id: int, pagination_parameters: Any) -> list[services.Match]:
        """Best public jobs for your resume, best score first."""
        resume = services.matchable_resume(user=current_user, resume_id=resume_id)
        matches = services.ranked_matches(resume=resume)
        pagination_parameters.item_count = len(matches)
        start = (pagination_parameters.page - 1) * pagination_parameters.page_size
        return matches[start : start + pagination_parameters.page_size]


@blp.route("/jobs/<int:job_id>/match")
class JobMatch(MethodView):
    @auth_required()
    @blp.arguments(ResumeArgsSchema, location="query")
    @blp.response(200, MatchResultSchema)
    @blp.alt_response(404, response="DEFAULT_ERROR", description="No such job or resume.")
    @blp.alt_response(409, response="DEFAULT_ERROR", description=_NOT_DONE)
    def get(self, args: dict[str, Any], job_id: int) -> MatchResult:
        """How well one of your resumes matches this job, and what would improve it."""
        return services.match_job(user=current_user, resume_id=args["resume_id"], job_id=job_id)


@blp.route("/matches/compare")
class Compare(MethodView):
    @auth_required()
    @blp.arguments(CompareArgsSchema, location="query")
    @blp.response(200, CompareItemSchema(many=True))
    @blp.alt_response(404, response="DEFAULT_ERROR", description="No such job or resume.")
    @blp.alt_response(409, response="DEFAULT_ERROR", description=_NOT_DONE)
    def get(self, args: dict[str, Any]) -> list[services.Match]:
        """Up to 10 jobs side by side against one of your resumes, in the order given."""
        return services.compare(
            user=current_user, resume_id=args["resume_id"], job_ids=args["job_ids"]
        )


@blp.route("/resumes/stats")
class Stats(MethodView):
    @auth_required("candidate")
    @blp.response(200, StatsSchema)
    def get(self) -> dict[str, Any]:
        """Your analyses, the average and best scores of your resumes' top matches."""
        return services.stats(user=current_user)


@blp.route("/resumes/skill-gap")
class SkillGap(MethodView):
    @auth_required("candidate")
    @blp.response(200, SkillGapSchema)
    @blp.alt_response(409, response="DEFAULT_ERROR", description="No desired roles set.")
    def get(self) -> dict[str, Any]:
        """Your skills against those demanded by public jobs for your desired roles."""
        return services.skill_gap(user=current_user)
