"""One factory per model: valid defaults, any field overridable."""

from __future__ import annotations

import itertools

from jobhub.security import hash_password
from jobhub.users.models import Role, User

DEFAULT_PASSWORD = "Correct-Horse-Battery-9"
_sequence = itertools.count(1)


def create_user(**fields) -> User:
    """Add a user to the session (not committed); password defaults to DEFAULT_PASSWORD."""
    from jobhub.db import db

    n = next(_sequence)
    role = fields.pop("role", Role.CANDIDATE)
    password = fields.pop("password", DEFAULT_PASSWORD)
    user = User(
        email=fields.pop("email", f"user{n}@example.com"),
        full_name=fields.pop("full_name", f"Test User {n}"),
        role=Role(role),
        password_hash=hash_password(password),
        **fields,
    )
    db.session.add(user)
    db.session.flush()
    return user


def create_company(*, owner=None, **fields):
    """A company (verified by default), with ``owner`` as its owner when given."""
    from jobhub.companies.models import Company, CompanyMember, MemberRole
    from jobhub.db import db

    n = next(_sequence)
    company = Company(
        name=fields.pop("name", f"Company {n}"),
        slug=fields.pop("slug", f"company-{n}"),
        verified=fields.pop("verified", True),
        **fields,
    )
    db.session.add(company)
    db.session.flush()
    if owner is not None:
        db.session.add(
            CompanyMember(company_id=company.id, user_id=owner.id, role=MemberRole.OWNER)
        )
        db.session.flush()
    return company


def create_member(*, company, user, role="recruiter"):
    """A company membership."""
    from jobhub.companies.models import CompanyMember, MemberRole
    from jobhub.db import db

    member = CompanyMember(company_id=company.id, user_id=user.id, role=MemberRole(role))
    db.session.add(member)
    db.session.flush()
    return member


def create_job(*, company, **fields):
    """A job, public by default (published, approved, expiring in 30 days)."""
    from datetime import timedelta

    from jobhub.db import db, utcnow
    from jobhub.jobs.models import Job, JobSkill, JobStatus, ModerationStatus

    n = next(_sequence)
    now = utcnow()
    status = JobStatus(fields.pop("status", JobStatus.PUBLISHED))
    job = Job(
        company_id=company.id,
        company_name=company.name,
        title=fields.pop("title", f"Software Engineer {n}"),
        description=fields.pop("description", "Build and run our platform."),
        remote=fields.pop("remote", "onsite"),
        employment_type=fields.pop("employment_type", "full_time"),
        seniority=fields.pop("seniority", "mid"),
        skills=fields.pop("skills", []),
        nice_to_have_skills=fields.pop("nice_to_have_skills", []),
        status=status,
        moderation_status=ModerationStatus(fields.pop("moderation_status", "approved")),
        published_at=fields.pop("published_at", now if status != JobStatus.DRAFT else None),
        expires_at=fields.pop("expires_at", now + timedelta(days=30)),
        **fields,
    )
    db.session.add(job)
    db.session.flush()
    for skill in job.skills:
        db.session.add(JobSkill(job_id=job.id, skill=skill))
    db.session.flush()
    return job


def create_report(*, job, reporter, reason="spam", **fields):
    """A report on a job."""
    from jobhub.db import db
    from jobhub.jobs.moderation.models import JobReport, ReportReason

    report = JobReport(
        job_id=job.id, reporter_id=reporter.id, reason=ReportReason(reason), **fields
    )
    db.session.add(report)
    db.session.flush()
    return report


def create_saved_search(*, user, **fields):
    """A saved search with alerts on (skills and q prepared as the service does)."""
    from jobhub.db import db
    from jobhub.jobs.saved_searches.models import SavedSearch, SavedSearchSkill
    from jobhub.jobs.search.queries import fts5_query

    search = SavedSearch(
        user_id=user.id,
        name=fields.pop("name", "My search"),
        alert=fields.pop("alert", True),
        skills=fields.pop("skills", []),
        **fields,
    )
    search.q_fts = fts5_query(search.q) if search.q else None
    db.session.add(search)
    db.session.flush()
    for skill in search.skills:
        db.session.add(SavedSearchSkill(saved_search_id=search.id, skill=skill))
    db.session.flush()
    return search


def create_notification(*, user, **fields):
    """Add a notification for ``user`` straight to the session (not through notify())."""
    from jobhub.db import db
    from jobhub.notifications.models import Notification, NotificationType

    n = next(_sequence)
    notification = Notification(
        user_id=user.id,
        type=str(fields.pop("type", NotificationType.JOB_MATCH)),
        title=fields.pop("title", f"Notification {n}"),
        body=fields.pop("body", f"Body of notification {n}."),
        data=fields.pop("data", {"n": n}),
        **fields,
    )
    db.session.add(notification)
    db.session.flush()
    return notification


def create_application(*, job, candidate, **fields):
    """An application (status ``applied`` unless given) with its initial history entry."""
    from jobhub.applications.models import Application, ApplicationEvent, ApplicationStatus, Side
    from jobhub.db import db, utcnow

    now = utcnow()
    application = Application(
        job_id=job.id,
        company_id=job.company_id,
        candidate_id=candidate.id,
        status=ApplicationStatus(fields.pop("status", ApplicationStatus.APPLIED)),
        status_changed_at=fields.pop("status_changed_at", now),
        **fields,
    )
    db.session.add(application)
    db.session.flush()
    db.session.add(
        ApplicationEvent(
            application_id=application.id,
            to_status=ApplicationStatus.APPLIED,
            actor_id=candidate.id,
            actor_side=Side.CANDIDATE,
        )
    )
    db.session.flush()
    return application


def create_application_event(*, application, actor=None, **fields):
    """A recorded move (straight to the table, not through the pipeline)."""
    from jobhub.applications.models import ApplicationEvent, Side
    from jobhub.db import db

    event = ApplicationEvent(
        application_id=application.id,
        actor_id=actor.id if actor is not None else None,
        actor_side=Side(fields.pop("actor_side", Side.EMPLOYER)),
        to_status=fields.pop("to_status", application.status),
        **fields,
    )
    db.session.add(event)
    db.session.flush()
    return event


def create_application_note(*, application, author, **fields):
    """A private note on an application."""
    from jobhub.applications.models import ApplicationNote
    from jobhub.db import db

    note = ApplicationNote(
        application_id=application.id,
        author_id=author.id,
        body=fields.pop("body", "Strong systems background."),
        **fields,
    )
    db.session.add(note)
    db.session.flush()
    return note


def create_interview(*, application, organizer=None, interviewers=(), **fields):
    """A scheduled interview tomorrow (video, 45 min) with the given interviewers."""
    from datetime import timedelta

    from jobhub.applications.interviews.models import Interview, InterviewInterviewer
    from jobhub.db import db, utcnow

    starts_at = fields.pop("starts_at", utcnow() + timedelta(days=1))
    interview = Interview(
        application_id=application.id,
        organizer_id=organizer.id if organizer is not None else None,
        starts_at=starts_at,
        duration_minutes=fields.pop("duration_minutes", 45),
        kind=fields.pop("kind", "video"),
        location=fields.pop("location", "https://meet.example/abc"),
        notice_minutes=fields.pop(
            "notice_minutes", int((starts_at - utcnow()).total_seconds() // 60)
        ),
        interviewer_rows=[InterviewInterviewer(user_id=user.id) for user in interviewers],
        **fields,
    )
    db.session.add(interview)
    db.session.flush()
    return interview


def create_interview_interviewer(*, interview, user):
    """One interviewer on an interview."""
    from jobhub.applications.interviews.models import InterviewInterviewer
    from jobhub.db import db

    row = InterviewInterviewer(interview_id=interview.id, user_id=user.id)
    db.session.add(row)
    db.session.flush()
    return row


def create_interview_feedback(*, interview, author, **fields):
    """Feedback on an interview."""
    from jobhub.applications.interviews.models import InterviewFeedback
    from jobhub.db import db

    feedback = InterviewFeedback(
        interview_id=interview.id,
        author_id=author.id,
        rating=fields.pop("rating", 4),
        recommendation=fields.pop("recommendation", "yes"),
        notes=fields.pop("notes", "Clear thinker."),
        **fields,
    )
    db.session.add(feedback)
    db.session.flush()
    return feedback


def create_interview_reminder(*, interview, kind="24h", **fields):
    """A reminder recorded as sent."""
    from jobhub.applications.interviews.models import InterviewReminder, ReminderKind
    from jobhub.db import db

    reminder = InterviewReminder(
        interview_id=interview.id,
        kind=ReminderKind(kind),
        starts_at=fields.pop("starts_at", interview.starts_at),
        **fields,
    )
    db.session.add(reminder)
    db.session.flush()
    return reminder


def create_resume(*, user, data: bytes | None = None, skills: list[str] | None = None, **fields):
    """Store a text resume for ``user`` and add its row (not committed).

    With ``skills`` the resume is already analysed (status done, those skills in order).
    """
    import hashlib
    import io
    import secrets

    from jobhub.db import db, utcnow
    from jobhub.resumes.models import AnalysisStatus, FileFormat, Resume, ResumeSkill
    from jobhub.storage import get_storage, save_in_transaction

    n = next(_sequence)
    data = data if data is not None else f"Resume {n}\nPython developer.\n".encode()
    storage = get_storage()
    key = f"resumes/{secrets.token_hex(16)}"
    digest = hashlib.sha256(data).hexdigest()
    save_in_transaction(
        storage, key, io.BytesIO(data), content_type="text/plain; charset=utf-8", sha256=digest
    )
    analysed = skills is not None
    resume = Resume(
        user_id=user.id,
        filename=fields.pop("filename", f"resume-{n}.txt"),
        download_name=fields.pop("download_name", f"resume-{n}.txt"),
        file_format=FileFormat.TEXT,
        content_type="text/plain; charset=utf-8",
        size_bytes=len(data),
        sha256=digest,
        storage_key=key,
        storage_backend=storage.name,
        analysis_status=AnalysisStatus.DONE if analysed else AnalysisStatus.PENDING,
        analyzed_at=utcnow() if analysed else None,
        text=data.decode() if analysed else None,
        **fields,
    )
    db.session.add(resume)
    db.session.flush()
    for position, skill in enumerate(skills or []):
        db.session.add(ResumeSkill(resume_id=resume.id, skill=skill, position=position))
    db.session.flush()
    return resume


def create_webhook_endpoint(*, company, events=("application.created",), **fields):
    """A webhook endpoint of ``company`` (the URL is not checked: tests choose freely)."""
    from jobhub.db import db
    from jobhub.webhooks import signing
    from jobhub.webhooks.models import WebhookEndpoint

    endpoint = WebhookEndpoint(
        company_id=company.id,
        url=fields.pop("url", "http://127.0.0.1:9/hook"),
        events=list(events),
        secret=fields.pop("secret", None) or signing.new_secret(),
        **fields,
    )
    db.session.add(endpoint)
    db.session.flush()
    return endpoint


def create_webhook_delivery(*, endpoint, type="webhook.test", **fields):
    """A delivery of ``endpoint``, succeeded unless told otherwise."""
    from jobhub.db import db
    from jobhub.webhooks import signing
    from jobhub.webhooks.models import DeliveryStatus, WebhookDelivery

    delivery = WebhookDelivery(
        endpoint_id=endpoint.id,
        event_id=fields.pop("event_id", None) or signing.new_message_id(),
        type=type,
        body=fields.pop(
            "body", '{"type":"webhook.test","timestamp":"2026-12-02T00:00:00.000Z","data":{}}'
        ),
        status=DeliveryStatus(fields.pop("status", "succeeded")),
        attempt=fields.pop("attempt", 1),
        next_attempt_at=fields.pop("next_attempt_at", None),
        **fields,
    )
    db.session.add(delivery)
    db.session.flush()
    return delivery
