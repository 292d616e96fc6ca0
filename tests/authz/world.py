"""The authorization matrix's fixture world: two of everything, built once per module.

Side A and side B mirror each other: candidate A applied (with resume A) to job A of
company A, whose owner and recruiter are the matrix's "owner" and "recruiter"; the same
for B. The matrix's callers are A's people (and A's API keys), plus company B's owner as
"other company's employer". ``World.params`` turns a route's object kind and a case's
(role, relation) into the URL values of the object that relation names.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pyotp
from flask import Flask
from flask_jwt_extended import create_access_token

from jobhub.auth.identity.models import ExternalIdentity
from jobhub.auth.mfa import services as mfa
from jobhub.auth.sessions import services as sessions
from jobhub.companies.api_keys import services as api_keys
from jobhub.companies.api_keys.models import SCOPES
from jobhub.db import db, utcnow
from jobhub.jobs.models import Job
from jobhub.users.models import User
from tests import factories as f
from tests.factories import DEFAULT_PASSWORD

# The matrix's callers. "key" holds every scope; "key_unscoped" every scope but the one
# the route names (on routes that name none, it is just another key: refused as well).
ANONYMOUS = "anonymous"
CANDIDATE = "candidate"
OWNER = "owner"
RECRUITER = "recruiter"
OTHER_EMPLOYER = "other_employer"
ADMIN = "admin"
KEY = "key"
KEY_UNSCOPED = "key_unscoped"
# An admin who must set up two-factor sign-in first (ADMIN_REQUIRE_2FA): the setup-only
# token reaches the setup routes (and /auth/me) and nothing else.
ADMIN_SETUP = "admin_setup_only"
ROLES = (
    ANONYMOUS,
    CANDIDATE,
    OWNER,
    RECRUITER,
    OTHER_EMPLOYER,
    ADMIN,
    ADMIN_SETUP,
    KEY,
    KEY_UNSCOPED,
)
USER_ROLES = (CANDIDATE, OWNER, RECRUITER, OTHER_EMPLOYER, ADMIN)
KEY_ROLES = (KEY, KEY_UNSCOPED)

# How the caller relates to the object the URL names.
OWN = "own"  # the caller's own (their session, their application, their company)
SAME_COMPANY = "same_company"  # their company's, not theirs personally
OTHER_COMPANY = "other_company"  # another company's (or sent to another company)
OTHER_USER = "other_user"  # another candidate's / another user's
NONE = "none"  # no object, or no relation (admins, the anonymous, public rows)
RELATIONS = (OWN, SAME_COMPANY, OTHER_COMPANY, OTHER_USER, NONE)

# Whose user account each role signs in with.
ROLE_USER = {
    CANDIDATE: "cand_a",
    OWNER: "owner_a",
    RECRUITER: "recruiter_a",
    OTHER_EMPLOYER: "owner_b",
    ADMIN: "admin",
}
# The company side each caller belongs to (candidates' objects are on side A too).
ROLE_SIDE = {CANDIDATE: "a", OWNER: "a", RECRUITER: "a", OTHER_EMPLOYER: "b", KEY: "a"}
ROLE_SIDE[KEY_UNSCOPED] = "a"
# Object kinds that belong to one user: "own" is the caller's own row.
PER_USER_KINDS = ("session", "notification", "user", "feedback", "export", "identity")
OTHER = {"a": "b", "b": "a"}
# Variants of a kind, named in URLs by the kind's own parameter.
KIND_PARAM = {
    "open_job": "job_id",
    "draft_job": "job_id",
    "deleted_job": "job_id",
    "pending_job": "job_id",
    "reviewed_interview": "interview_id",
    "webhook_delivery": "delivery_id",
    "dry_import": "import_id",
}
TOTP_STEP = 30


@dataclass
class World:
    """Ids of everything built, and the credentials of every caller."""

    users: dict[str, int] = field(default_factory=dict)
    emails: dict[str, str] = field(default_factory=dict)
    objects: dict[str, dict[str, Any]] = field(default_factory=dict)
    per_user: dict[str, dict[str, Any]] = field(default_factory=dict)
    session_ids: dict[str, int] = field(default_factory=dict)
    access_tokens: dict[str, str] = field(default_factory=dict)
    refresh_tokens: dict[str, str] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)  # "all", "-<scope>", "b"
    setup_token: str = ""
    mfa_secret: str = ""
    panel_session_id: int = 0

    # -- callers ------------------------------------------------------------------------

    def user_key(self, role: str) -> str | None:
        return ROLE_USER.get(role)

    def user_id(self, role: str) -> int | None:
        name = self.user_key(role)
        return self.users[name] if name else None

    def headers(self, role: str, scope: str | None) -> dict[str, str]:
        """The Authorization header a role sends (none for the anonymous)."""
        if role == ANONYMOUS:
            return {}
        if role == KEY:
            return {"Authorization": f"Bearer {self.keys['all']}"}
        if role == ADMIN_SETUP:
            return {"Authorization": f"Bearer {self.setup_token}"}
        if role == KEY_UNSCOPED:
            raw = self.keys[f"-{scope}"] if scope else self.keys["all"]
            return {"Authorization": f"Bearer {raw}"}
        return {"Authorization": f"Bearer {self.access_tokens[ROLE_USER[role]]}"}

    # -- objects -------------------------------------------------------------------------

    def side(self, role: str, relation: str) -> str:
        """Which side's object a relation names for this caller."""
        mine = ROLE_SIDE.get(role, "a")
        if relation == OTHER_COMPANY:
            return OTHER[mine]
        if relation == OTHER_USER:
            return "b"
        if relation in (OWN, SAME_COMPANY):
            return mine
        return "a"

    def object(self, kind: str, role: str, relation: str) -> Any:
        """The object (its URL values) of ``kind`` that ``relation`` names for ``role``."""
        if kind in PER_USER_KINDS and relation == OWN:
            owner = self.user_key(role)
            if owner is None or owner not in self.per_user[kind]:
                raise LookupError(f"no own {kind} for {role}: choose another relation")
            return self.per_user[kind][owner]
        if kind in PER_USER_KINDS and relation == SAME_COMPANY and kind == "feedback":
            # A colleague's feedback on the same interview.
            return self.per_user[kind]["owner_a" if role != OWNER else "recruiter_a"]
        side = self.side(role, relation)
        return self.objects[kind][side]

    def params(self, kind: str | None, role: str, relation: str) -> dict[str, Any]:
        if kind is None:
            return {}
        value = self.object(kind, role, relation)
        return value if isinstance(value, dict) else {KIND_PARAM.get(kind, f"{kind}_id"): value}

    def any_object(self, kind: str, side: str = "a") -> Any:
        return self.objects[kind][side]


def _user(world: World, name: str, role: str, **fields: Any) -> User:
    user = f.create_user(role=role, email=f"{name.replace('_', '.')}@authz.example", **fields)
    world.users[name] = user.id
    world.emails[name] = user.email
    return user


def _linked_identity(user: User) -> Any:
    """An external identity linked to the user (the user keeps a password: unlinkable)."""
    identity = ExternalIdentity(
        user_id=user.id, provider="google", subject=f"authz-{user.id}", email=user.email
    )
    db.session.add(identity)
    db.session.flush()
    return identity


IMPORT_CSV = "title,description\nImported role,From the matrix world.\n"


def _import(company_id: int, owner_id: int, *, dry_run: bool) -> int:
    """A finished import (done), or a validated dry run waiting for confirm."""
    from jobhub.imports.models import Import, ImportResource, ImportStatus

    row = Import(
        company_id=company_id,
        owner_id=owner_id,
        resource=ImportResource.JOBS,
        status=ImportStatus.VALIDATED if dry_run else ImportStatus.DONE,
        dry_run=dry_run,
        content=IMPORT_CSV,
        errors=[],
        total=1,
        valid=1,
        created=0 if dry_run else 1,
    )
    db.session.add(row)
    db.session.flush()
    return row.id


def _done_export(user: User) -> Any:
    """A finished export of ``user``'s with its (tiny) stored file."""
    import hashlib
    import io
    from datetime import timedelta

    from jobhub.db import db, utcnow
    from jobhub.exports.models import Export, ExportFormat, ExportResource, ExportStatus
    from jobhub.storage import get_storage

    data = b"id\r\n"
    digest = hashlib.sha256(data).hexdigest()
    storage = get_storage()
    key = f"exports/authz-{user.id}.csv"
    storage.save(key, io.BytesIO(data), content_type="text/csv", sha256=digest)
    now = utcnow()
    export = Export(
        owner_id=user.id,
        resource=ExportResource.JOBS,
        format=ExportFormat.CSV,
        filters={},
        status=ExportStatus.DONE,
        progress=100,
        rows=0,
        size_bytes=len(data),
        storage_key=key,
        storage_backend=storage.name,
        sha256=digest,
        finished_at=now,
        expires_at=now + timedelta(hours=72),
    )
    db.session.add(export)
    db.session.flush()
    return export


def build_world(app: Flask, upload_dir: Any) -> World:
    """Create and commit the world (everything through the factories and services)."""
    world = World()
    with app.app_context():
        admin = _user(world, "admin", "admin", email_verified=True)
        cand = {s: _user(world, f"cand_{s}", "candidate") for s in "ab"}
        owner = {s: _user(world, f"owner_{s}", "employer") for s in "ab"}
        recruiter = {s: _user(world, f"recruiter_{s}", "employer") for s in "ab"}
        spare = _user(world, "spare_employer", "employer")
        mfa_user = _user(world, "cand_mfa", "candidate")
        for user in cand.values():
            user.desired_roles = ["Software Engineer"]
            user.skills = ["python"]
        o: dict[str, dict[str, Any]] = {}

        def put(kind: str, side: str, value: Any) -> None:
            o.setdefault(kind, {})[side] = value

        companies = {}
        for s in "ab":
            company = f.create_company(owner=owner[s], name=f"Company {s.upper()} Authz")
            companies[s] = company
            f.create_member(company=company, user=recruiter[s])
            put("company", s, company.id)
            put("member", s, {"company_id": company.id, "user_id": recruiter[s].id})
            job = f.create_job(company=company, title=f"Python Engineer {s}", skills=["python"])
            put("job", s, job.id)
            put("open_job", s, f.create_job(company=company, title=f"Open role {s}").id)
            put("draft_job", s, f.create_job(company=company, status="draft").id)
            deleted = f.create_job(company=company, title=f"Deleted role {s}")
            deleted.deleted_at = utcnow()
            put("deleted_job", s, deleted.id)
            pending = f.create_job(
                company=company, moderation_status="pending", title=f"Pending {s}"
            )
            put("pending_job", s, pending.id)
            resume = f.create_resume(user=cand[s], skills=["python", "sql"])
            put("resume", s, resume.id)
            application = f.create_application(
                job=job, candidate=cand[s], status="screening", resume_id=resume.id
            )
            put("application", s, application.id)
            f.create_application_note(application=application, author=owner[s])
            interview = f.create_interview(
                application=application, organizer=owner[s], interviewers=[owner[s]]
            )
            put("interview", s, interview.id)
            reviewed = f.create_interview(
                application=application,
                organizer=owner[s],
                interviewers=[owner[s], recruiter[s]],
                starts_at=utcnow() + timedelta(days=2),
            )
            put("reviewed_interview", s, reviewed.id)
            feedback = {}
            for name, author in ((f"owner_{s}", owner[s]), (f"recruiter_{s}", recruiter[s])):
                row = f.create_interview_feedback(interview=reviewed, author=author)
                feedback[name] = {"interview_id": reviewed.id, "feedback_id": row.id}
            world.per_user.setdefault("feedback", {}).update(feedback)
            put("feedback", s, feedback[f"owner_{s}"])
            put("saved_search", s, f.create_saved_search(user=cand[s], q="python").id)
            put("import", s, _import(company.id, owner[s].id, dry_run=False))
            put("dry_import", s, _import(company.id, owner[s].id, dry_run=True))
            webhook = f.create_webhook_endpoint(company=company)
            put("webhook", s, webhook.id)
            put("webhook_delivery", s, f.create_webhook_delivery(endpoint=webhook).id)
        for s in "ab":
            # A report on this side's job, by the other side's candidate.
            job = db.session.get(Job, o["job"][s])
            put("report", s, f.create_report(job=job, reporter=cand[OTHER[s]]).id)
        db.session.flush()

        every = {"admin": admin, "spare_employer": spare, "cand_mfa": mfa_user}
        every.update({f"cand_{s}": u for s, u in cand.items()})
        every.update({f"owner_{s}": u for s, u in owner.items()})
        every.update({f"recruiter_{s}": u for s, u in recruiter.items()})
        for name, user in every.items():
            note = f.create_notification(user=user)
            world.per_user.setdefault("notification", {})[name] = note.id
            world.per_user.setdefault("export", {})[name] = _done_export(user).id
            world.per_user.setdefault("identity", {})[name] = _linked_identity(user).id
            world.per_user.setdefault("user", {})[name] = user.id
            pair = sessions.start(user=user, user_agent="authz-matrix", ip_address="10.9.8.7")
            world.access_tokens[name] = pair.access_token
            world.refresh_tokens[name] = pair.refresh_token
            # A second session of the user's, the one the "own session" cases end.
            other = sessions.start(user=user, user_agent="authz-other", ip_address="10.9.8.7")
            world.session_ids[name] = _session_id(other.access_token, app)
            world.per_user.setdefault("session", {})[name] = world.session_ids[name]
        for kind in ("notification", "user", "session", "export", "identity"):
            put(kind, "a", world.per_user[kind]["cand_a"])
            put(kind, "b", world.per_user[kind]["cand_b"])

        o["user"] = {"a": cand["a"].id, "b": cand["b"].id}
        world.objects = o
        # API keys of company A: one with every scope, one per scope lacking only that one.
        world.keys["all"] = api_keys.create_key(
            company=companies["a"], actor=owner["a"], name="all", scopes=list(SCOPES)
        ).key
        for scope in SCOPES:
            rest = [other for other in SCOPES if other != scope]
            world.keys[f"-{scope}"] = api_keys.create_key(
                company=companies["a"], actor=owner["a"], name=f"no {scope}", scopes=rest
            ).key
        for s in "ab":
            key = api_keys.create_key(
                company=companies[s], actor=owner[s], name="revocable", scopes=["jobs:read"]
            )
            put("api_key", s, {"company_id": companies[s].id, "key_id": key.api_key.id})
        # Two-factor sign-in on for one candidate (the /auth/login/2fa cases).
        setup = mfa.setup(user=mfa_user)
        mfa.enable(user=mfa_user, code=pyotp.TOTP(setup.secret, interval=TOTP_STEP).now())
        world.mfa_secret = setup.secret
        # Forget the step the enabling code used: a case's code of this window must work.
        from jobhub.auth.mfa import queries as mfa_queries

        mfa_queries.credential(user_id=mfa_user.id).last_step = None
        from jobhub.auth.services import _open_panel_session, _setup_only

        world.setup_token = _setup_only(admin).setup_token

        world.panel_session_id = _open_panel_session(
            admin, user_agent="authz-panel", ip_address="10.9.8.7"
        ).id
        db.session.commit()
        _exports(world, every)
    return world


def _exports(world: World, users: dict[str, User]) -> None:
    """A finished account export for every user (built now, by the task's own code)."""
    from jobhub.exports import services as exports
    from jobhub.exports.models import Export, ExportStatus
    from jobhub.exports.tasks import run_export

    ids = {}
    for name, user in users.items():
        export = exports.create_export(owner=user, resource="account", format="zip")
        ids[name] = export.id
    db.session.commit()
    for export_id in ids.values():
        run_export.run(export_id)  # done already where the tasks are eager
    for name, export_id in ids.items():
        assert db.session.get(Export, export_id).status == ExportStatus.DONE, name
    world.per_user["export"] = ids
    world.objects["export"] = {"a": ids["cand_a"], "b": ids["cand_b"]}


def _session_id(access_token: str, app: Flask) -> int:
    from flask_jwt_extended import decode_token

    from jobhub.auth.sessions.queries import SESSION_CLAIM

    return int(decode_token(access_token)[SESSION_CLAIM])


def totp_now(world: World) -> str:
    return pyotp.TOTP(world.mfa_secret, interval=TOTP_STEP).now()


def fresh_access_token(app: Flask, user_id: int) -> str:
    """An access token without a session (for the socket.io server in another process)."""
    with app.app_context():
        return create_access_token(identity=str(user_id))


def text_upload(name: str = "resume.txt") -> dict[str, Any]:
    """A multipart body with a small plain-text resume."""
    return {"file": (io.BytesIO(b"Jane Doe\nPython and SQL developer.\n"), name)}


__all__ = ["DEFAULT_PASSWORD", "World", "build_world"]
