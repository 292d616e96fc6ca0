"""Application, history and note payloads (interviews: ``jobhub.applications.interviews``).

Applications, moves and interviews are shown to two audiences. Views hand the schemas
``Shown(item, for_candidate)``; for a candidate, only the fields in ``CANDIDATE_FIELDS``
leave (an allow-list, so a field added later is hidden from candidates until chosen),
and a move's note is kept only when the candidate wrote it. The employer shape is what
the OpenAPI document shows; each schema's description names the candidate's subset.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import marshmallow as ma
from marshmallow import validate

from jobhub import bulk
from jobhub.applications.models import (
    APPLY_SOURCES,
    MAX_COVER_LETTER,
    ApplicationSource,
    ApplicationStatus,
    RejectionReason,
    Side,
)
from jobhub.applications.services import DELETED_CANDIDATE
from jobhub.jobs.models import JobStatus
from jobhub.schemas import Schema, UtcDateTime

MAX_NOTE = 5_000


@dataclass(frozen=True)
class Shown:
    """An object on its way out, and whether its reader is the candidate."""

    item: Any
    for_candidate: bool


def shown(items: Any, *, for_candidate: bool) -> Any:
    """Wrap an item or a list of items for their reader."""
    if isinstance(items, list):
        return [Shown(item, for_candidate) for item in items]
    return Shown(items, for_candidate)


ERRORS = {
    401: "Missing, invalid or revoked token.",
    403: "You see it but may not do this.",
    404: "No such resource, or not visible to you.",
    409: "Refused in the current state (see the message).",
    422: "Invalid input; `errors` names the fields.",
}


def documented_errors(blueprint: Any, *codes: int) -> Any:
    """Document an endpoint's error responses (401 and ``codes``, all in the envelope)."""

    def decorate(view: Any) -> Any:
        for code in (401, *codes):
            view = blueprint.alt_response(code, response="DEFAULT_ERROR", description=ERRORS[code])(
                view
            )
        return view

    return decorate


class AudienceSchema(Schema):
    """Dumps ``Shown`` wrappers: everything for the company, the allow-list for candidates."""

    CANDIDATE_FIELDS: ClassVar[frozenset[str]] = frozenset()

    @ma.pre_dump
    def _unwrap(self, shown: Any, **_: Any) -> Any:
        if not isinstance(shown, Shown):
            raise TypeError(f"{type(self).__name__} dumps Shown(...) wrappers only")
        return shown.item

    @ma.post_dump(pass_original=True)
    def _for_audience(self, data: dict[str, Any], shown: Shown, **_: Any) -> dict[str, Any]:
        if not shown.for_candidate:
            return data
        return self.for_candidate({k: v for k, v in data.items() if k in self.CANDIDATE_FIELDS})

    def for_candidate(self, data: dict[str, Any]) -> dict[str, Any]:
        return data


class PersonField(ma.fields.Nested):
    """A user as the company sees them: id and name (and email); deleted ones anonymised."""

    def __init__(self, *, email: bool = False, **kwargs: Any) -> None:
        super().__init__(PersonSchema if email else PersonNameSchema, allow_none=True, **kwargs)

    def _serialize(self, value: Any, attr: Any, obj: Any, **kwargs: Any) -> Any:
        if value is not None and value.deleted_at is not None:
            return {"id": None, "full_name": "Deleted user"}
        return super()._serialize(value, attr, obj, **kwargs)


class PersonNameSchema(Schema):
    id = ma.fields.Integer(allow_none=True)
    full_name = ma.fields.String()


class PersonSchema(PersonNameSchema):
    email = ma.fields.String(allow_none=True)


class CandidateSummarySchema(Schema):
    id = ma.fields.Integer(allow_none=True)
    full_name = ma.fields.String()
    email = ma.fields.String(allow_none=True)
    headline = ma.fields.String(allow_none=True)
    location = ma.fields.String(allow_none=True)


class CandidateField(ma.fields.Nested):
    """The applicant, or "Deleted candidate" (no id, email or profile) after deletion."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(CandidateSummarySchema, **kwargs)

    def _serialize(self, value: Any, attr: Any, application: Any, **kwargs: Any) -> Any:
        if application.is_anonymized or value.deleted_at is not None:
            return {
                "id": None,
                "full_name": DELETED_CANDIDATE,
                "email": None,
                "headline": None,
                "location": None,
            }
        return super()._serialize(value, attr, application, **kwargs)


class JobSummarySchema(Schema):
    id = ma.fields.Integer()
    title = ma.fields.String()
    company_id = ma.fields.Integer()
    company_name = ma.fields.String()
    location = ma.fields.String(allow_none=True)
    status = ma.fields.Enum(JobStatus, by_value=True)


# -- applications ------------------------------------------------------------------------


class ApplyArgsSchema(Schema):
    resume_id = ma.fields.Integer(
        allow_none=True,
        validate=validate.Range(min=1),
        metadata={"description": "One of your resumes (optional)."},
    )
    cover_letter = ma.fields.String(allow_none=True, validate=validate.Length(max=MAX_COVER_LETTER))
    source = ma.fields.Enum(
        ApplicationSource,
        by_value=True,
        load_default=ApplicationSource.DIRECT,
        validate=validate.OneOf(APPLY_SOURCES),
        metadata={
            "description": "Where you found the job: search, saved_search, recommendation, "
            "direct (default) or referral (`import` is set by imports only)."
        },
    )

    @ma.post_load
    def _blank_is_none(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        letter = data.get("cover_letter")
        if letter is not None:
            data["cover_letter"] = letter.strip() or None
        return data


class MatchExplanationSchema(Schema):
    resume_id = ma.fields.Integer(metadata={"description": "The resume that was scored."})
    matched_skills = ma.fields.List(ma.fields.String(), metadata={"description": "Required."})
    missing_skills = ma.fields.List(ma.fields.String(), metadata={"description": "Required."})
    nice_to_have_matched = ma.fields.List(ma.fields.String())
    nice_to_have_missing = ma.fields.List(ma.fields.String())
    similarity = ma.fields.Float(metadata={"description": "TF-IDF cosine, 0-1."})
    scored_at = ma.fields.String(metadata={"description": "ISO-8601, UTC."})


class ApplicationSchema(AudienceSchema):
    """An application. Candidates get: id, job_id, job, status, status_changed_at,
    resume_id, cover_letter, match_score, match_explanation, created_at, updated_at."""

    CANDIDATE_FIELDS = frozenset(
        {
            "id",
            "job_id",
            "job",
            "status",
            "status_changed_at",
            "resume_id",
            "cover_letter",
            "source",
            "match_score",
            "match_explanation",
            "created_at",
            "updated_at",
        }
    )

    id = ma.fields.Integer()
    job_id = ma.fields.Integer()
    job = ma.fields.Nested(JobSummarySchema)
    candidate = CandidateField()
    status = ma.fields.Enum(ApplicationStatus, by_value=True)
    status_changed_at = UtcDateTime()
    rejection_reason = ma.fields.Enum(RejectionReason, by_value=True, allow_none=True)
    resume_id = ma.fields.Integer(allow_none=True)
    cover_letter = ma.fields.String(allow_none=True)
    source = ma.fields.Enum(
        ApplicationSource,
        by_value=True,
        metadata={"description": "search, saved_search, recommendation, direct, referral, import."},
    )
    match_score = ma.fields.Float(
        allow_none=True,
        metadata={
            "description": "0-100: the resume against the job (as GET /jobs/{id}/match); "
            "null until its resume is analysed and scored, or without a resume."
        },
    )
    match_explanation = ma.fields.Nested(
        MatchExplanationSchema,
        allow_none=True,
        metadata={"description": "Why the score: matched and missing skills; null with it."},
    )
    anonymized = ma.fields.Boolean(attribute="is_anonymized")
    created_at = UtcDateTime()
    updated_at = UtcDateTime()


class ApplicationListArgsSchema(Schema):
    status = ma.fields.Enum(ApplicationStatus, by_value=True)
    job_id = ma.fields.Integer(validate=validate.Range(min=1))
    sort = ma.fields.String(
        load_default="newest",
        validate=validate.OneOf(["newest", "match"]),
        metadata={"description": "newest (default), or match: highest match_score first."},
    )


class StatusChangeSchema(Schema):
    status = ma.fields.Enum(ApplicationStatus, by_value=True, required=True)
    note = ma.fields.String(allow_none=True, validate=validate.Length(max=MAX_NOTE))
    reason = ma.fields.Enum(
        RejectionReason,
        by_value=True,
        allow_none=True,
        metadata={"description": "Only with status rejected."},
    )

    @ma.validates_schema
    def _reason_only_on_rejection(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("reason") is not None and data.get("status") != ApplicationStatus.REJECTED:
            raise ma.ValidationError("Only a rejection carries a reason.", "reason")


class EventActorSchema(Schema):
    id = ma.fields.Integer(allow_none=True)
    full_name = ma.fields.String(allow_none=True)
    side = ma.fields.String(
        validate=validate.OneOf(["candidate", "employer", "admin", "system"]),
        metadata={"enum": ["candidate", "employer", "admin", "system"]},
    )


class EventActorField(ma.fields.Nested):
    """Who made a move (SPEC §4): ``{id, full_name, side}``; ``side`` is ``admin`` for an
    admin, ``system`` for a move no side made; a move by a company's API key has no
    person (``id`` and ``full_name`` null); a deleted user is anonymised."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(EventActorSchema, **kwargs)

    def _serialize(self, value: Any, attr: Any, obj: Any, **kwargs: Any) -> Any:
        user = obj.actor
        side = obj.actor_side.value if obj.actor_side is not None else "system"
        if user is None:  # a company's API key, or the system
            return {"id": None, "full_name": None, "side": side}
        side = "admin" if user.role.value == "admin" else side
        if user.deleted_at is not None:
            return {"id": None, "full_name": "Deleted user", "side": side}
        return {"id": user.id, "full_name": user.full_name, "side": side}


class ApplicationEventSchema(AudienceSchema):
    """A recorded move (SPEC §4): ``{id, from, to, actor, note, at}``, and ``reason`` (a
    rejection's) for the company and admins. Candidates see the note only when they
    wrote it, and the company's people only by their side (``id`` and ``full_name``
    null)."""

    CANDIDATE_FIELDS = frozenset({"id", "from", "to", "actor", "note", "at"})

    id = ma.fields.Integer()
    from_status = ma.fields.Enum(ApplicationStatus, by_value=True, allow_none=True, data_key="from")
    to_status = ma.fields.Enum(ApplicationStatus, by_value=True, data_key="to")
    actor = EventActorField(attribute="actor_id")
    note = ma.fields.String(allow_none=True)
    reason = ma.fields.Enum(RejectionReason, by_value=True, allow_none=True)
    created_at = UtcDateTime(data_key="at")

    def for_candidate(self, data: dict[str, Any]) -> dict[str, Any]:
        actor = data.get("actor") or {}
        if actor.get("side") != Side.CANDIDATE.value:
            data["note"] = None
            data["actor"] = {**actor, "id": None, "full_name": None}
        return data


class NoteCreateSchema(Schema):
    body = ma.fields.String(required=True, validate=validate.Length(min=1, max=MAX_NOTE))

    @ma.validates("body")
    def _not_blank(self, value: str, **_: Any) -> None:
        if not value.strip():
            raise ma.ValidationError("Must not be blank.")


class NoteSchema(Schema):
    id = ma.fields.Integer()
    application_id = ma.fields.Integer()
    author = PersonField()
    body = ma.fields.String()
    created_at = UtcDateTime()


# -- bulk (SPEC §10) ---------------------------------------------------------------------


class BulkStatusChangeSchema(StatusChangeSchema):
    ids = bulk.ids_field(metadata={"description": "1 to 1,000 distinct application ids."})


class BulkApplySchema(Schema):
    job_ids = bulk.ids_field(metadata={"description": "1 to 1,000 distinct public job ids."})
    resume_id = ma.fields.Integer(
        allow_none=True,
        validate=validate.Range(min=1),
        metadata={"description": "One of your resumes, sent with every application."},
    )
