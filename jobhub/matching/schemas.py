"""Matching schemas: query arguments and explained scores."""

from __future__ import annotations

import re

import marshmallow as ma

from jobhub.jobs.schemas import JobSchema
from jobhub.matching.services import MAX_COMPARE
from jobhub.schemas import Schema


def _skills(**kwargs: object) -> ma.fields.List:
    return ma.fields.List(ma.fields.String(), **kwargs)  # type: ignore[arg-type]


class ResumeArgsSchema(Schema):
    resume_id = ma.fields.Integer(required=True, validate=ma.validate.Range(min=1))


# Documented as the parameter's pattern and checked by exactly it: 1 to MAX_COMPARE ids
# of 1-9 digits (so inside the id columns' range), comma-separated, nothing else.
_ID = "[1-9][0-9]{0,8}"
JOB_IDS_PATTERN = rf"^{_ID}(?:,{_ID}){{0,{MAX_COMPARE - 1}}}$"
_JOB_IDS = re.compile(JOB_IDS_PATTERN.removeprefix("^").removesuffix("$"))


class JobIdsField(ma.fields.Field):
    """A comma-separated list of positive job ids: ``1,2,3``."""

    def _deserialize(self, value, attr, data, **kwargs):  # type: ignore[no-untyped-def]
        if not isinstance(value, str) or not _JOB_IDS.fullmatch(value):
            raise ma.ValidationError("Give job ids as comma-separated positive integers.")
        return [int(part) for part in value.split(",")]


class CompareArgsSchema(ResumeArgsSchema):
    job_ids = JobIdsField(
        required=True,
        metadata={"type": "string", "pattern": JOB_IDS_PATTERN, "example": "1,2,3"},
    )


class MatchResultSchema(Schema):
    """A score 0-100 with what explains it."""

    score = ma.fields.Integer()
    matched_skills = _skills()
    missing_skills = _skills()
    nice_to_have_matched = _skills()
    nice_to_have_missing = _skills()
    similarity = ma.fields.Float(metadata={"description": "TF-IDF cosine similarity, 0-1."})
    recommendations = _skills()
    matched_via = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.String(),
        metadata={
            "description": "*Our addition*: matched job skills the resume shows through a "
            "more specific one, job skill → resume skill (`aws` → `aws lambda`).",
        },
    )
    related_skills = ma.fields.List(
        ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String()),
        metadata={
            "description": "*Our addition*: missing job skills the resume shows only in "
            'general, earning part of their share: [{"skill": "aws lambda", '
            '"resume_skill": "aws"}].',
        },
    )


class JobMatchSchema(Schema):
    """One item of /resumes/{id}/matches."""

    job = ma.fields.Nested(JobSchema)
    score = ma.fields.Integer(attribute="result.score")
    matched_skills = _skills(attribute="result.matched_skills")
    missing_skills = _skills(attribute="result.missing_skills")


class CompareItemSchema(JobMatchSchema):
    """One column of /matches/compare: the job and the full explanation."""

    nice_to_have_matched = _skills(attribute="result.nice_to_have_matched")
    nice_to_have_missing = _skills(attribute="result.nice_to_have_missing")
    similarity = ma.fields.Float(attribute="result.similarity")
    recommendations = _skills(attribute="result.recommendations")


class SkillCountSchema(Schema):
    skill = ma.fields.String()
    count = ma.fields.Integer()


class BestMatchSchema(Schema):
    score = ma.fields.Integer()
    resume_id = ma.fields.Integer()
    job_id = ma.fields.Integer()


class StatsSchema(Schema):
    resumes = ma.fields.Integer()
    analyses = ma.fields.Integer(metadata={"description": "Resumes analysed (status done)."})
    failed_analyses = ma.fields.Integer()
    matches_considered = ma.fields.Integer()
    average_score = ma.fields.Float(allow_none=True)
    best_score = ma.fields.Integer(allow_none=True)
    best_match = ma.fields.Nested(BestMatchSchema, allow_none=True)
    missing_skills = ma.fields.List(ma.fields.Nested(SkillCountSchema))
    recommendations = _skills()


class SkillDemandSchema(Schema):
    skill = ma.fields.String()
    jobs = ma.fields.Integer(metadata={"description": "Public jobs requiring it."})
    share = ma.fields.Float(metadata={"description": "Percent of the jobs considered."})


class SkillGapSchema(Schema):
    desired_roles = _skills()
    jobs_considered = ma.fields.Integer()
    skills = _skills()
    coverage = ma.fields.Float(
        allow_none=True, metadata={"description": "Demand-weighted percent of skills you have."}
    )
    matched_skills = ma.fields.List(ma.fields.Nested(SkillDemandSchema))
    missing_skills = ma.fields.List(ma.fields.Nested(SkillDemandSchema))
