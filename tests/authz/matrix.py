"""The authorization matrix: who may call every route, stated once, tested for every entry.

One ``Route`` per (method, URL rule) of the Flask URL map: the object kind its URL names,
the API key scope it admits (``auth_required(api_key=...)``), a valid body, and
``cases``: (role, relation) → expected status. ``tests/authz/test_matrix.py`` sends one
request per case against the world of ``tests/authz/world.py`` (two candidates, two
companies with owner and recruiter, an admin, API keys) and fails on any route of the URL
map without an entry here.

Roles: anonymous, candidate, owner, recruiter (of company A), other_employer (company B's
owner), admin, key (company A's API key with every scope), key_unscoped (company A's key
lacking the route's scope). Relations: own, same_company, other_company, other_user,
none (see world.py). SPEC §1: an object the caller may not see is 404, an action on a
visible object the caller may not take is 403, no token is 401.

Adding a route: add a ``Route(...)`` below (copy the closest one), start from a preset
(``public``, ``signed_in``, ``admin_only``, ``candidate_only``, ``employer_only``) and
override the cases that differ with ``cases(...)``; give a body that succeeds for the
allowed callers. README.md's testing section says more.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from jobhub.db import utcnow
from tests.authz.world import (
    ADMIN,
    ADMIN_SETUP,
    ANONYMOUS,
    CANDIDATE,
    KEY,
    KEY_UNSCOPED,
    NONE,
    OTHER_COMPANY,
    OTHER_EMPLOYER,
    OTHER_USER,
    OWN,
    OWNER,
    RECRUITER,
    ROLES,
    SAME_COMPANY,
    USER_ROLES,
)

Cases = dict[tuple[str, str], int]
# The relation a bare status means, per role, on a route whose URL names an object.
NATURAL = {
    ANONYMOUS: NONE,
    CANDIDATE: OWN,
    OWNER: OWN,
    RECRUITER: SAME_COMPANY,
    OTHER_EMPLOYER: OTHER_COMPANY,
    ADMIN: NONE,
    ADMIN_SETUP: NONE,
    KEY: OWN,
    KEY_UNSCOPED: OWN,
}


@dataclass(frozen=True)
class Ctx:
    """What a body or query builder sees: the world, the case, and the app."""

    world: Any
    role: str
    relation: str
    app: Any
    prepared: dict = field(default_factory=dict)

    def obj(self, kind: str, relation: str | None = None) -> Any:
        return self.world.object(kind, self.role, relation or self.relation)

    def a(self, kind: str) -> Any:
        return self.world.any_object(kind, "a")


Builder = Callable[[Ctx], Any]


@dataclass(frozen=True)
class Route:
    method: str
    rule: str
    cases: Cases
    obj: str | None = None  # the object kind the URL names (resolved per relation)
    scope: str | None = None  # the API key scope the route admits
    values: dict[str, Any] = field(default_factory=dict)  # literal URL values
    fixed: dict[str, str] = field(default_factory=dict)  # URL value → kind, always side A
    json: Builder | dict | None = None
    data: Builder | None = None  # multipart / form
    query: Builder | dict | None = None
    token: Builder | None = None  # a different bearer for the caller (refresh tokens)
    prepare: Callable[[Ctx], dict] | None = None  # per-case setup; its dict goes to builders
    panel: bool = False  # an admin panel page: a browser session, not a bearer
    lists: str | None = None  # a list of this kind: no one else's rows in the answer
    variant: str = ""  # a second entry for the same route, on other objects
    check: Callable[[Ctx, Any], bool] | None = None  # more to assert on an answer
    # Tables a refused request of this route writes on purpose (an audited refusal).
    writes_on_refusal: frozenset[str] = frozenset()
    note: str = ""

    def __post_init__(self) -> None:
        # The setup-only admin, unless the route says: what the anonymous get on a public
        # route, 403 wherever a token is needed (the panel: no session, sign-in page).
        roles = {role for role, _ in self.cases}
        if ADMIN_SETUP not in roles and ANONYMOUS in roles:
            anonymous = next(v for (r, _), v in self.cases.items() if r == ANONYMOUS)
            status = anonymous if self.panel or anonymous != 401 else 403
            object.__setattr__(self, "cases", {**self.cases, (ADMIN_SETUP, NONE): status})

    @property
    def key(self) -> str:
        suffix = f" [{self.variant}]" if self.variant else ""
        return f"{self.method} {self.rule}{suffix}"


def cases(natural: bool = True, **by_role: int | dict[str, int]) -> Cases:
    """``cases(owner=200, candidate={"own": 403, "other_user": 404})``: a bare status is the
    role's natural relation (``NATURAL``; ``none`` for routes without an object when
    ``natural=False``)."""
    out: Cases = {}
    for role, value in by_role.items():
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}")
        if isinstance(value, dict):
            out.update({(role, relation): status for relation, status in value.items()})
        else:
            out[(role, NATURAL[role] if natural else NONE)] = value
    return out


def everyone(status: int, *, keys: int | None = None) -> Cases:
    """Every caller, no object: ``keys`` for the API keys (default the same)."""
    out = {(role, NONE): status for role in ROLES}
    if keys is not None:
        out[(KEY, NONE)] = out[(KEY_UNSCOPED, NONE)] = keys
    return out


def public(status: int = 200) -> Cases:
    """No authentication at all: a key in the header is not even looked at."""
    return everyone(status)


def public_no_keys(status: int = 200) -> Cases:
    """``auth_optional`` without a scope: anyone, signed in or not; API keys 403."""
    return everyone(status, keys=403)


def signed_in(status: int = 200, **overrides: int) -> Cases:
    """Any user's token; the anonymous 401, API keys 403 (the route names no scope)."""
    out = {(role, NONE): status for role in USER_ROLES}
    out.update({(ANONYMOUS, NONE): 401, (KEY, NONE): 403, (KEY_UNSCOPED, NONE): 403})
    out[(ADMIN_SETUP, NONE)] = 403
    out.update({(role, NONE): value for role, value in overrides.items()})
    return out


def only(allowed: tuple[str, ...], status: int = 200) -> Cases:
    """``auth_required(<roles>)`` with no object: those roles ``status``, others 403."""
    return signed_in(403, **{role: status for role in allowed})


def admin_only(status: int = 200) -> Cases:
    return only((ADMIN,), status)


def candidate_only(status: int = 200) -> Cases:
    return only((CANDIDATE,), status)


def employer_only(status: int = 200) -> Cases:
    return only((OWNER, RECRUITER, OTHER_EMPLOYER), status)


def keyed(cases_: Cases, ok: int, *, other_company: int | None = 404) -> Cases:
    """A route with an API key scope: the full key ``ok`` (and ``other_company`` on the
    other company's object), the key lacking the scope 403."""
    out = {k: v for k, v in cases_.items() if k[0] not in (KEY, KEY_UNSCOPED)}
    relation = OWN if other_company is not None else NONE
    out[(KEY, relation)] = ok
    if other_company is not None:
        out[(KEY, OTHER_COMPANY)] = other_company
    out[(KEY_UNSCOPED, relation)] = 403
    return out


def webhook_route(ok: int) -> Cases:
    """A webhook endpoint (or delivery) of company A: its owners and its key with
    ``webhooks:manage`` act; the company's recruiter may see it exists (403); to everyone
    else, admins included, it does not exist (404)."""
    return keyed(
        cases(
            anonymous=401,
            candidate={OWN: 404},
            owner={OWN: ok, OTHER_COMPANY: 404},
            recruiter=403,
            other_employer=404,
            admin=404,
        ),
        ok,
    )


def webhooks_of_company(ok: int) -> Cases:
    """A company's webhook collection: owners and the company's key; others 403 (the
    company is public), another company's key 403 too."""
    return keyed(company_route(ok, 403, admin=403), ok, other_company=403)


# Refusals shared by routes on a candidate's own rows (resumes, saved searches).
OWNER_ONLY_ROW = cases(
    anonymous=401,
    owner=404,
    recruiter=404,
    other_employer=404,
    admin=404,
    key=403,
    key_unscoped=403,
)


def own_row(ok: int, *, others: int = 404, **overrides: Any) -> Cases:
    """A candidate's own row: theirs ``ok``, another candidate's ``others``."""
    base = {**OWNER_ONLY_ROW, **cases(candidate={OWN: ok, OTHER_USER: others})}
    return {**base, **cases(**overrides)}


def personal(ok: int, **overrides: Any) -> Cases:
    """Per-user rows (sessions, notifications): every user's own ``ok``, another's 404."""
    out: Cases = {(ANONYMOUS, NONE): 401, (KEY, NONE): 403, (KEY_UNSCOPED, NONE): 403}
    for role in USER_ROLES:
        out[(role, OWN)] = ok
    out[(CANDIDATE, OTHER_USER)] = 404
    out[(OWNER, OTHER_USER)] = 404
    out[(ADMIN, OTHER_USER)] = 404
    out.update(cases(**overrides))
    return out


def application_route(
    ok: int,
    *,
    candidate: int,
    admin: int,
    members: int | None = None,
    scope_ok: int | None = None,
) -> Cases:
    """An application (or its interviews): visible to its candidate, the job's company
    and admins; 404 to everyone else."""
    members = ok if members is None else members
    out = cases(
        anonymous=401,
        candidate={OWN: candidate, OTHER_USER: 404},
        owner=members,
        recruiter=members,
        other_employer=404,
        admin=admin,
        key=403,
        key_unscoped=403,
    )
    if scope_ok is not None:
        out = keyed(out, scope_ok)
    return out


def company_route(owner: int, recruiter: int, *, admin: int, others: int = 403) -> Cases:
    """A company (public): its owner, its recruiter, admins; others see it, may not act."""
    return cases(
        anonymous=401,
        candidate={NONE: others},
        owner=owner,
        recruiter=recruiter,
        other_employer=others,
        admin=admin,
        key=403,
        key_unscoped=403,
    )


def job_route(ok: int, *, others: int, candidate: int | None = None) -> Cases:
    """A job the company's members and admins manage; ``others`` for the rest."""
    return keyed(
        cases(
            anonymous=401,
            candidate={NONE: others if candidate is None else candidate},
            owner=ok,
            recruiter=ok,
            other_employer=others,
            admin=ok,
        ),
        ok,
        other_company=others,
    )


def _bulk_job_cases(ok: int) -> Cases:
    """PATCH and DELETE /jobs/bulk: members and admins; a job not theirs is a 422."""
    return keyed(
        cases(
            anonymous=401,
            candidate={NONE: 403},
            owner={OWN: ok, OTHER_COMPANY: 422},
            recruiter=ok,
            other_employer=422,
            admin=ok,
        ),
        ok,
        other_company=422,
    )


def _import_cases(ok: int, *, admin: int | None = None) -> Cases:
    """An import: its company's members and key, admins (reading); 404 to the rest."""
    return keyed(
        cases(
            anonymous=401,
            candidate={NONE: 404},
            owner=ok,
            recruiter=ok,
            other_employer=404,
            admin=ok if admin is None else admin,
        ),
        ok,
    )


def _import_form(ctx: Ctx) -> dict:
    import io

    from tests.authz.world import IMPORT_CSV

    company = ctx.obj("company", OWN if ctx.relation == OWN else ctx.relation)
    upload = (io.BytesIO(IMPORT_CSV.encode()), "jobs.csv")
    return {"resource": "jobs", "company_id": str(company), "dry_run": "true", "file": upload}


# -- bodies ------------------------------------------------------------------------------


def _in_days(days: int) -> str:
    return (utcnow() + timedelta(days=days)).isoformat().replace("+00:00", "Z")


NEW_PASSWORD = "Amber-Falcon-Quarry-64"


def _job_body(ctx: Ctx) -> dict:
    company = ctx.obj("company", OWN if ctx.relation == OWN else ctx.relation)
    return {"company_id": company, "title": "Data Engineer", "description": "Pipelines."}


def _status_body(ctx: Ctx) -> dict:
    return {"status": "withdrawn" if ctx.role == CANDIDATE else "interviewing"}


def _interview_body(_ctx: Ctx) -> dict:
    return {"starts_at": _in_days(5), "duration_minutes": 30, "kind": "phone"}


def _resume_query(ctx: Ctx) -> dict:
    return {"resume_id": ctx.obj("resume")}


def _compare_query(ctx: Ctx) -> dict:
    return {"resume_id": ctx.obj("resume"), "job_ids": str(ctx.a("job"))}


def _compare_hidden_query(ctx: Ctx) -> dict:
    hidden = ctx.world.objects["draft_job"]["b"]
    return {"resume_id": ctx.obj("resume"), "job_ids": f"{ctx.a('job')},{hidden}"}


def _hidden_match_query(ctx: Ctx) -> dict:
    return {"resume_id": ctx.obj("resume")}


def _own_notification_ids(ctx: Ctx) -> dict:
    return {"ids": [ctx.world.object("notification", ctx.role, ctx.relation)]}


def _register_body(_ctx: Ctx) -> dict:
    return {
        "email": "newcomer@authz.example",
        "password": "Vivid-Harbor-Sketch-71",
        "full_name": "New Comer",
        "role": "candidate",
    }


def _login_body(ctx: Ctx) -> dict:
    return {"email": ctx.world.emails["cand_a"], "password": "Correct-Horse-Battery-9"}


def _prepare_mfa_login(ctx: Ctx) -> dict:
    from jobhub.auth.mfa import services as mfa
    from jobhub.db import db
    from jobhub.users.models import User
    from tests.authz.world import totp_now

    with ctx.app.app_context():
        user = db.session.get(User, ctx.world.users["cand_mfa"])
        token = mfa.challenge(user=user).mfa_token
        db.session.commit()
    return {"mfa_token": token, "code": totp_now(ctx.world)}


def _prepare_mfa(ctx: Ctx, *, enable: bool) -> dict:
    """For the caller: a pending 2FA setup (and its code), or 2FA on (a recovery code)."""
    import pyotp

    from jobhub.auth.mfa import services as mfa
    from jobhub.db import db
    from jobhub.users.models import User
    from tests.authz.world import TOTP_STEP

    user_id = ctx.world.users["admin"] if ctx.role == ADMIN_SETUP else ctx.world.user_id(ctx.role)
    if user_id is None:
        return {"code": "123456", "password": NEW_PASSWORD}
    with ctx.app.app_context():
        user = db.session.get(User, user_id)
        setup = mfa.setup(user=user)
        code = pyotp.TOTP(setup.secret, interval=TOTP_STEP).now()
        if enable:
            code = mfa.enable(user=user, code=code).recovery_codes[0]
        db.session.commit()
    return {"code": code, "password": "Correct-Horse-Battery-9"}


def _prepare_onetime(purpose: str) -> Callable[[Ctx], dict]:
    def prepare(ctx: Ctx) -> dict:
        from jobhub.auth.models import TokenPurpose
        from jobhub.auth.onetime import services as onetime
        from jobhub.db import db

        with ctx.app.app_context():
            raw = onetime.issue(
                user_id=ctx.world.users["cand_b"],
                email=ctx.world.emails["cand_b"],
                purpose=TokenPurpose(purpose),
                lifetime=timedelta(minutes=30),
            )
            db.session.commit()
        return {"token": raw}

    return prepare


def _refresh_token(ctx: Ctx) -> str | None:
    name = ctx.world.user_key(ctx.role)
    return ctx.world.refresh_tokens[name] if name else None


def _upload(_ctx: Ctx) -> dict:
    from tests.authz.world import text_upload

    return text_upload()


API = "/api/v1"
A = {"job_id": "job"}

ROUTES: list[Route] = [
    # -- auth (SPEC §2) ---------------------------------------------------------------------
    Route("POST", f"{API}/auth/register", public(201), json=_register_body),
    Route("POST", f"{API}/auth/login", public(200), json=_login_body),
    Route(
        "POST",
        f"{API}/auth/login/2fa",
        public(200),
        prepare=_prepare_mfa_login,
        json=lambda c: c.prepared,
        note="anyone holding a live mfa_token and a code completes that login",
    ),
    Route("POST", f"{API}/auth/2fa/setup", signed_in(200, admin_setup_only=200)),
    Route(
        "POST",
        f"{API}/auth/2fa/enable",
        signed_in(200, admin_setup_only=200),
        prepare=lambda c: _prepare_mfa(c, enable=False),
        json=lambda c: {"code": c.prepared["code"]},
    ),
    Route(
        "POST",
        f"{API}/auth/2fa/disable",
        signed_in(204),
        prepare=lambda c: _prepare_mfa(c, enable=True),
        json=lambda c: c.prepared,
    ),
    Route(
        "POST",
        f"{API}/auth/refresh",
        signed_in(200, key=401, key_unscoped=401, admin_setup_only=401),
        token=_refresh_token,
        note="callers send their refresh token; a key or a setup-only access token: 401",
    ),
    Route("POST", f"{API}/auth/logout", signed_in(204)),
    Route("GET", f"{API}/auth/me", signed_in(200, admin_setup_only=200)),
    Route(
        "POST",
        f"{API}/auth/password/change",
        signed_in(204),
        json={"current_password": "Correct-Horse-Battery-9", "new_password": NEW_PASSWORD},
    ),
    Route("POST", f"{API}/auth/password/forgot", public(202), json={"email": "x@authz.example"}),
    Route(
        "POST",
        f"{API}/auth/password/reset",
        public(200),
        prepare=_prepare_onetime("password_reset"),
        json=lambda c: {"token": c.prepared["token"], "new_password": NEW_PASSWORD},
    ),
    Route("POST", f"{API}/auth/verify-email/request", signed_in(202)),
    Route(
        "POST",
        f"{API}/auth/verify-email/confirm",
        public(200),
        prepare=_prepare_onetime("email_verification"),
        json=lambda c: c.prepared,
    ),
    Route("GET", f"{API}/auth/sessions", signed_in(200), lists="session"),
    Route("DELETE", f"{API}/auth/sessions", signed_in(200)),
    Route("DELETE", f"{API}/auth/sessions/<int:session_id>", personal(204), obj="session"),
    Route(
        "POST",
        f"{API}/auth/token-exchange",
        public(401),
        json={
            "grant_type": "urn:ietf:params:oauth:grant-type:token-exchange",
            "subject_token": "eyJhbGciOiJSUzI1NiJ9.e30.c2ln",
            "subject_token_type": "urn:ietf:params:oauth:token-type:id_token",
            "provider": "google",
        },
        writes_on_refusal=frozenset({"audit_log"}),
        note="the world configures no identity provider: 401 for everyone, whatever bearer "
        "is sent, each refusal audited (the exchange: tests/auth/test_token_exchange.py)",
    ),
    Route("GET", f"{API}/auth/identities", signed_in(200), lists="identity"),
    Route("DELETE", f"{API}/auth/identities/<int:identity_id>", personal(204), obj="identity"),
    # -- users ------------------------------------------------------------------------------
    Route("GET", f"{API}/users/me", signed_in(200)),
    Route("PATCH", f"{API}/users/me", signed_in(200), json={"full_name": "Renamed Person"}),
    Route(
        "DELETE",
        f"{API}/users/me",
        signed_in(200),
        json={"password": "Correct-Horse-Battery-9"},
    ),
    Route(
        "GET",
        f"{API}/users/<int:user_id>",
        {
            **personal(200),
            **cases(
                owner={SAME_COMPANY: 200},
                recruiter={SAME_COMPANY: 200},
                other_employer={OTHER_COMPANY: 404},
                admin={OTHER_USER: 200},
            ),
        },
        obj="user",
        note="same_company: a candidate who applied to the company's job",
    ),
    Route("GET", f"{API}/users", admin_only()),
    Route(
        "PATCH",
        f"{API}/admin/users/<int:user_id>",
        admin_only(200),
        fixed={"user_id": "user"},
        json={"email_verified": True},
    ),
    # -- companies and members (SPEC §3) ------------------------------------------------------
    Route("POST", f"{API}/companies", employer_only(201), json={"name": "Brand New Co"}),
    Route("GET", f"{API}/companies", public()),
    Route("GET", f"{API}/companies/<int:company_id>", public(), fixed={"company_id": "company"}),
    Route(
        "PATCH",
        f"{API}/companies/<int:company_id>",
        company_route(200, 403, admin=200),
        obj="company",
        json={"description": "We build things."},
    ),
    Route(
        "DELETE",
        f"{API}/companies/<int:company_id>",
        company_route(204, 403, admin=204),
        obj="company",
    ),
    Route(
        "GET",
        f"{API}/companies/<int:company_id>/members",
        company_route(200, 200, admin=200),
        obj="company",
    ),
    Route(
        "POST",
        f"{API}/companies/<int:company_id>/members",
        company_route(201, 403, admin=201),
        obj="company",
        json=lambda c: {"email": c.world.emails["spare_employer"], "role": "recruiter"},
    ),
    Route(
        "DELETE",
        f"{API}/companies/<int:company_id>/members/<int:user_id>",
        {
            **company_route(204, 204, admin=204),
            **cases(recruiter={SAME_COMPANY: 204}),
        },
        obj="member",
        note="the member is company A's recruiter: owners remove, the recruiter leaves",
    ),
    Route(
        "GET",
        f"{API}/companies/<int:company_id>/responsiveness",
        public(),
        fixed={"company_id": "company"},
    ),
    # -- API keys (SPEC §2): owners only, admins included out ---------------------------------
    Route(
        "POST",
        f"{API}/companies/<int:company_id>/api-keys",
        company_route(201, 403, admin=403),
        obj="company",
        json={"name": "ATS", "scopes": ["jobs:read"]},
    ),
    Route(
        "GET",
        f"{API}/companies/<int:company_id>/api-keys",
        company_route(200, 403, admin=403),
        obj="company",
    ),
    Route(
        "DELETE",
        f"{API}/companies/<int:company_id>/api-keys/<int:key_id>",
        {**company_route(204, 403, admin=403), **cases(owner={OTHER_COMPANY: 403})},
        obj="api_key",
    ),
    # -- jobs (SPEC §3) ----------------------------------------------------------------------
    Route("GET", f"{API}/jobs", public_no_keys() | cases(natural=False, admin_setup_only=403)),
    Route(
        "POST",
        f"{API}/jobs",
        keyed(
            {
                **employer_only(201),
                **cases(natural=False, other_employer=403),
                **cases(owner={OTHER_COMPANY: 403}),
            },
            201,
            other_company=403,
        ),
        scope="jobs:write",
        json=_job_body,
        note="other_employer posts for company A (not theirs): 403",
    ),
    Route(
        "GET",
        f"{API}/jobs/mine",
        keyed(employer_only(200), 200, other_company=None),
        scope="jobs:read",
        lists="job",
    ),
    Route(
        "GET",
        f"{API}/jobs/<int:job_id>",
        keyed(
            cases(
                anonymous=200,
                candidate={NONE: 200},
                owner=200,
                recruiter=200,
                other_employer=200,
                admin=200,
            ),
            200,
        )
        | cases(natural=False, admin_setup_only=403),
        obj="job",
        scope="jobs:read",
        note="a public job; a key sees only its own company's jobs (another's: 404)",
    ),
    Route(
        "PATCH",
        f"{API}/jobs/<int:job_id>",
        job_route(200, others=403) | keyed({}, 200),
        obj="job",
        scope="jobs:write",
        json={"title": "Senior Python Engineer"},
    ),
    Route(
        "DELETE",
        f"{API}/jobs/<int:job_id>",
        job_route(204, others=403) | keyed({}, 204),
        obj="job",
        scope="jobs:write",
    ),
    Route(
        "POST",
        f"{API}/jobs/<int:job_id>/restore",
        job_route(200, others=404),
        obj="deleted_job",
        scope="jobs:write",
        note="a deleted job is visible to nobody but its members and admins",
    ),
    Route(
        "POST",
        f"{API}/jobs/<int:job_id>/report",
        cases(
            anonymous=401,
            candidate={NONE: 201},
            owner=403,
            recruiter=403,
            other_employer=201,
            admin=201,
            key=403,
            key_unscoped=403,
        ),
        obj="job",
        json={"reason": "spam"},
    ),
    Route(
        "GET",
        f"{API}/jobs/<int:job_id>/moderation-history",
        cases(
            anonymous=401,
            candidate={NONE: 404},
            owner=200,
            recruiter=200,
            other_employer=404,
            admin=200,
            key=403,
            key_unscoped=403,
        ),
        obj="job",
    ),
    Route(
        "POST",
        f"{API}/jobs/<int:job_id>/applications",
        candidate_only(201),
        fixed={"job_id": "open_job"},
        json={},
    ),
    Route(
        "GET",
        f"{API}/jobs/<int:job_id>/match",
        {
            **own_row(200),
            **cases(natural=False, anonymous=401),
        },
        fixed={"job_id": "job"},
        query=_resume_query,
        note="the relation is to the resume named by resume_id",
    ),
    Route("GET", f"{API}/matches/compare", own_row(200), query=_compare_query),
    # -- bulk (SPEC §10): an object another may not touch is a 422 naming the item ----------
    Route(
        "POST",
        f"{API}/jobs/bulk",
        keyed(
            {
                **employer_only(200),
                **cases(natural=False, other_employer=422),
                **cases(owner={OTHER_COMPANY: 422}),
            },
            200,
            other_company=422,
        ),
        scope="jobs:write",
        json=lambda c: {"items": [_job_body(c)]},
        note="an item for a company that is not the caller's: 422 at its index",
    ),
    Route(
        "PATCH",
        f"{API}/jobs/bulk",
        _bulk_job_cases(200),
        scope="jobs:write",
        json=lambda c: {"items": [{"id": c.obj("job"), "title": "Senior Python Engineer"}]},
    ),
    Route(
        "DELETE",
        f"{API}/jobs/bulk",
        _bulk_job_cases(200),
        scope="jobs:write",
        json=lambda c: {"ids": [c.obj("job")]},
    ),
    Route(
        "PATCH",
        f"{API}/applications/bulk/status",
        keyed(
            cases(
                anonymous=401,
                candidate={OWN: 200, OTHER_USER: 422},
                owner={OWN: 200, OTHER_COMPANY: 422},
                recruiter=200,
                other_employer=422,
                admin=403,
            ),
            200,
            other_company=422,
        ),
        scope="applications:write",
        json=lambda c: {"ids": [c.obj("application")], **_status_body(c)},
        note="admins move nothing; an application the caller cannot see: 422 at its index",
    ),
    Route(
        "POST",
        f"{API}/applications/bulk",
        candidate_only(200),
        json=lambda c: {"job_ids": [c.a("open_job")]},
    ),
    # -- the same routes on jobs the caller may not see (drafts, deleted) ---------------------
    Route(
        "GET",
        f"{API}/jobs/<int:job_id>",
        job_route(200, others=404, candidate=404)
        | cases(natural=False, anonymous=404, admin_setup_only=403),
        obj="draft_job",
        scope="jobs:read",
        variant="draft",
        note="a draft: its company's members (and keys), admins; 404 to the rest",
    ),
    Route(
        "GET",
        f"{API}/jobs/<int:job_id>",
        job_route(404, others=404, candidate=404)
        | cases(natural=False, anonymous=404, admin_setup_only=403)
        | keyed({}, 404),
        obj="deleted_job",
        scope="jobs:read",
        variant="deleted",
        note="deleted jobs disappear from every read (restorable: POST /restore)",
    ),
    Route(
        "PATCH",
        f"{API}/jobs/<int:job_id>",
        job_route(200, others=404, candidate=404),
        obj="draft_job",
        scope="jobs:write",
        json={"title": "Senior Python Engineer"},
        variant="draft",
    ),
    Route(
        "POST",
        f"{API}/jobs/<int:job_id>/report",
        cases(
            anonymous=401,
            candidate={NONE: 404},
            owner=403,
            recruiter=403,
            other_employer=404,
            admin=201,
            key=403,
            key_unscoped=403,
        ),
        obj="draft_job",
        json={"reason": "spam"},
        variant="draft",
    ),
    Route(
        "POST",
        f"{API}/jobs/<int:job_id>/applications",
        candidate_only(404),
        fixed={"job_id": "draft_job"},
        json={},
        variant="draft",
        note="only public jobs take applications; a draft is not found",
    ),
    Route(
        "GET",
        f"{API}/jobs/<int:job_id>/match",
        own_row(404),
        fixed={"job_id": "draft_job"},
        query=_hidden_match_query,
        variant="draft",
        note="a draft job of company A is not matched against, even with one's own resume",
    ),
    Route(
        "GET",
        f"{API}/matches/compare",
        own_row(404),
        query=_compare_hidden_query,
        variant="another company's draft",
    ),
    Route(
        "GET",
        f"{API}/analytics/jobs/<int:job_id>",
        company_route(200, 200, admin=200, others=404),
        obj="draft_job",
        variant="draft",
    ),
    # -- saved searches (candidates) ----------------------------------------------------------
    Route("GET", f"{API}/saved-searches", candidate_only(), lists="saved_search"),
    Route(
        "POST",
        f"{API}/saved-searches",
        candidate_only(201),
        json={"name": "Python jobs", "alert": True, "q": "python"},
    ),
    Route(
        "GET",
        f"{API}/saved-searches/<int:saved_search_id>",
        own_row(200, owner=403, recruiter=403, other_employer=403, admin=403),
        obj="saved_search",
    ),
    Route(
        "PATCH",
        f"{API}/saved-searches/<int:saved_search_id>",
        own_row(200, owner=403, recruiter=403, other_employer=403, admin=403),
        obj="saved_search",
        json={"name": "Renamed search"},
    ),
    Route(
        "DELETE",
        f"{API}/saved-searches/<int:saved_search_id>",
        own_row(204, owner=403, recruiter=403, other_employer=403, admin=403),
        obj="saved_search",
    ),
    # -- applications, pipeline, interviews (SPEC §4) -------------------------------------------
    Route(
        "GET",
        f"{API}/applications",
        keyed(signed_in(200), 200, other_company=None),
        scope="applications:read",
        lists="application",
    ),
    Route(
        "GET",
        f"{API}/applications/<int:application_id>",
        application_route(200, candidate=200, admin=200, scope_ok=200),
        obj="application",
        scope="applications:read",
    ),
    Route(
        "PATCH",
        f"{API}/applications/<int:application_id>/status",
        application_route(200, candidate=200, admin=403, scope_ok=200),
        obj="application",
        scope="applications:write",
        json=_status_body,
        note="candidates withdraw, employers move to interviewing; admins move nothing",
    ),
    Route(
        "GET",
        f"{API}/applications/<int:application_id>/history",
        application_route(200, candidate=200, admin=200, scope_ok=200),
        obj="application",
        scope="applications:read",
    ),
    Route(
        "GET",
        f"{API}/applications/<int:application_id>/notes",
        application_route(200, candidate=403, admin=200),
        obj="application",
    ),
    Route(
        "POST",
        f"{API}/applications/<int:application_id>/notes",
        application_route(201, candidate=403, admin=403),
        obj="application",
        json={"body": "Strong SQL."},
    ),
    Route(
        "GET",
        f"{API}/applications/<int:application_id>/interviews",
        application_route(200, candidate=200, admin=200),
        obj="application",
    ),
    Route(
        "POST",
        f"{API}/applications/<int:application_id>/interviews",
        application_route(201, candidate=403, admin=403),
        obj="application",
        json=_interview_body,
    ),
    Route(
        "GET",
        f"{API}/interviews/<int:interview_id>",
        application_route(200, candidate=200, admin=200),
        obj="interview",
    ),
    Route(
        "PATCH",
        f"{API}/interviews/<int:interview_id>",
        application_route(200, candidate=403, admin=403),
        obj="interview",
        json={"location": "Room 4"},
    ),
    Route(
        "DELETE",
        f"{API}/interviews/<int:interview_id>",
        application_route(204, candidate=403, admin=403),
        obj="interview",
    ),
    Route(
        "GET",
        f"{API}/interviews/<int:interview_id>/feedback",
        application_route(200, candidate=403, admin=200),
        obj="interview",
    ),
    Route(
        "POST",
        f"{API}/interviews/<int:interview_id>/feedback",
        application_route(201, candidate=403, admin=403),
        obj="interview",
        json={"rating": 4, "recommendation": "yes"},
    ),
    Route(
        "PATCH",
        f"{API}/interviews/<int:interview_id>/feedback/<int:feedback_id>",
        cases(
            anonymous=401,
            candidate={NONE: 403, OTHER_USER: 404},
            owner={OWN: 200, OTHER_COMPANY: 404},
            recruiter={OWN: 200, SAME_COMPANY: 403},
            other_employer=404,
            admin=403,
        )
        | cases(natural=False, key=403, key_unscoped=403),
        obj="feedback",
        json={"rating": 5},
        note="feedback is amended by its author only; a colleague's is 403",
    ),
    # -- resumes and matching (SPEC §5) -------------------------------------------------------
    Route("GET", f"{API}/resumes", signed_in(200), lists="resume"),
    Route("POST", f"{API}/resumes", candidate_only(201), data=_upload),
    Route("GET", f"{API}/resumes/<int:resume_id>", own_row(200), obj="resume"),
    Route("DELETE", f"{API}/resumes/<int:resume_id>", own_row(204), obj="resume"),
    Route("GET", f"{API}/resumes/<int:resume_id>/analysis", own_row(200), obj="resume"),
    Route("GET", f"{API}/resumes/<int:resume_id>/matches", own_row(200), obj="resume"),
    Route(
        "GET",
        f"{API}/resumes/<int:resume_id>/file",
        own_row(200, owner=200, recruiter=200, admin=200),
        obj="resume",
        note="members of a company the resume was sent to, and admins, download it",
    ),
    Route("GET", f"{API}/resumes/stats", candidate_only()),
    Route("GET", f"{API}/resumes/skill-gap", candidate_only()),
    # -- notifications (SPEC §6) ----------------------------------------------------------------
    Route("GET", f"{API}/notifications", signed_in(), lists="notification"),
    Route("GET", f"{API}/notifications/unread-count", signed_in()),
    Route(
        "POST",
        f"{API}/notifications/<int:notification_id>/read",
        personal(200),
        obj="notification",
    ),
    Route(
        "POST",
        f"{API}/notifications/<int:notification_id>/unread",
        personal(200),
        obj="notification",
    ),
    Route("POST", f"{API}/notifications/read-all", signed_in()),
    Route(
        "DELETE", f"{API}/notifications/<int:notification_id>", personal(204), obj="notification"
    ),
    Route(
        "POST",
        f"{API}/notifications/bulk-delete",
        {
            **personal(200),
            **cases(candidate={OTHER_USER: 200}, owner={OTHER_USER: 200}, admin={OTHER_USER: 200}),
        },
        json=_own_notification_ids,
        check=lambda c, r: r.get_json()["deleted"] == (1 if c.relation == OWN else 0),
        note="own ids only: another user's ids are ignored (the answer counts none deleted)",
    ),
    Route("GET", f"{API}/notifications/preferences", signed_in()),
    Route(
        "PUT",
        f"{API}/notifications/preferences",
        signed_in(),
        json={"job.match": {"in_app": True, "email": False}},
    ),
    # -- analytics (SPEC §9) ------------------------------------------------------------------
    Route("GET", f"{API}/analytics/me", candidate_only()),
    Route(
        "GET",
        f"{API}/analytics/jobs/<int:job_id>",
        company_route(200, 200, admin=200, others=404),
        obj="job",
    ),
    Route(
        "GET",
        f"{API}/analytics/companies/<int:company_id>",
        company_route(200, 200, admin=200, others=404),
        obj="company",
    ),
    Route("GET", f"{API}/analytics/platform", admin_only()),
    # -- moderation and admin API (SPEC §3, §8) -------------------------------------------------
    Route(
        "POST",
        f"{API}/admin/jobs/<int:job_id>/moderate",
        admin_only(200),
        fixed={"job_id": "pending_job"},
        json={"decision": "approve"},
    ),
    Route(
        "POST",
        f"{API}/admin/jobs/moderate",
        admin_only(200),
        json=lambda c: {"ids": [c.a("pending_job")], "decision": "approve"},
    ),
    Route("GET", f"{API}/admin/jobs/queue", admin_only()),
    Route("GET", f"{API}/admin/reports", admin_only()),
    Route(
        "POST",
        f"{API}/admin/reports/<int:report_id>/<any(resolve, dismiss):outcome>",
        admin_only(200),
        fixed={"report_id": "report"},
        values={"outcome": "dismiss"},
    ),
    Route("GET", f"{API}/admin/audit", admin_only()),
    Route("GET", f"{API}/admin/audit.csv", admin_only()),
    # -- exports (SPEC §10): every user's own; API keys none ------------------------------------
    Route(
        "POST",
        f"{API}/exports",
        signed_in(202),
        json={"resource": "account", "format": "zip"},
    ),
    Route("GET", f"{API}/exports", signed_in(200), lists="export"),
    Route("GET", f"{API}/exports/<int:export_id>", personal(200), obj="export"),
    Route(
        "GET",
        f"{API}/exports/<int:export_id>/download",
        personal(200),
        obj="export",
        note="the owner only: another user's export is not found, admins' included",
    ),
    # -- imports (SPEC §10): the company's members and its key; admins watch ---------------
    Route(
        "POST",
        f"{API}/imports",
        keyed(
            {
                **employer_only(202),
                **cases(natural=False, other_employer=403),
                **cases(owner={OTHER_COMPANY: 403}),
            },
            202,
            other_company=403,
        ),
        scope="jobs:write",
        data=_import_form,
        note="other_employer imports into company A (not theirs): 403",
    ),
    Route(
        "GET", f"{API}/imports/<int:import_id>", _import_cases(200), obj="import", scope="jobs:read"
    ),
    Route(
        "GET",
        f"{API}/imports/<int:import_id>/errors.csv",
        _import_cases(200),
        obj="import",
        scope="jobs:read",
    ),
    Route(
        "POST",
        f"{API}/imports/<int:import_id>/confirm",
        _import_cases(202, admin=403),
        obj="dry_import",
        scope="jobs:write",
    ),
    Route(
        "POST",
        f"{API}/imports/<int:import_id>/undo",
        _import_cases(200, admin=403),
        obj="import",
        scope="jobs:write",
    ),
    # -- webhooks (SPEC §11): owners and the company's key (webhooks:manage) ------------------
    Route(
        "POST",
        f"{API}/companies/<int:company_id>/webhooks",
        webhooks_of_company(201),
        obj="company",
        scope="webhooks:manage",
        json={"url": "https://93.184.215.14/hooks", "events": ["application.created"]},
        note="an IP literal: the target check needs no DNS",
    ),
    Route(
        "GET",
        f"{API}/companies/<int:company_id>/webhooks",
        webhooks_of_company(200),
        obj="company",
        scope="webhooks:manage",
        lists="webhook",
    ),
    Route(
        "GET",
        f"{API}/webhooks/<int:webhook_id>",
        webhook_route(200),
        obj="webhook",
        scope="webhooks:manage",
    ),
    Route(
        "PATCH",
        f"{API}/webhooks/<int:webhook_id>",
        webhook_route(200),
        obj="webhook",
        scope="webhooks:manage",
        json={"description": "ATS"},
    ),
    Route(
        "DELETE",
        f"{API}/webhooks/<int:webhook_id>",
        webhook_route(204),
        obj="webhook",
        scope="webhooks:manage",
    ),
    Route(
        "POST",
        f"{API}/webhooks/<int:webhook_id>/rotate-secret",
        webhook_route(200),
        obj="webhook",
        scope="webhooks:manage",
    ),
    Route(
        "POST",
        f"{API}/webhooks/<int:webhook_id>/test",
        webhook_route(202),
        obj="webhook",
        scope="webhooks:manage",
        note="the endpoint is on loopback: the guard refuses the attempt, no request is sent",
    ),
    Route(
        "GET",
        f"{API}/webhooks/<int:webhook_id>/deliveries",
        webhook_route(200),
        obj="webhook",
        scope="webhooks:manage",
        lists="webhook_delivery",
    ),
    Route(
        "POST",
        f"{API}/webhook-deliveries/<int:delivery_id>/redeliver",
        webhook_route(202),
        obj="webhook_delivery",
        scope="webhooks:manage",
    ),
    # -- operations and docs (SPEC §7) ----------------------------------------------------------
    Route("GET", "/health", public()),
    Route("GET", "/ready", public()),
    Route(
        "GET",
        "/metrics",
        everyone(403),
        note="only the METRICS_TOKEN bearer or loopback (test_metrics_access); "
        "no user or key token opens it from outside",
    ),
    Route("GET", "/api/openapi.json", public()),
    Route("GET", "/api/docs", public()),
    Route("GET", "/api/redoc", public()),
    Route(
        "GET",
        "/api/docs/assets/<path:filename>",
        public(),
        values={"filename": "swagger-ui/LICENSE"},
    ),
    Route("GET", "/static/<path:filename>", public(404), values={"filename": "nothing.css"}),
]


# -- socket.io (SPEC §6) ---------------------------------------------------------------------
# Outcomes: "connected", or the refusal's error code at connect ("unauthorized"); for an
# event, its acknowledgement ("ok", or the error code it carries).


@dataclass(frozen=True)
class SocketEvent:
    event: str
    cases: dict[tuple[str, str], str]
    obj: str | None = None
    note: str = ""


def _socket_connect() -> dict[tuple[str, str], str]:
    out = {(role, NONE): "connected" for role in USER_ROLES}
    out[(ANONYMOUS, NONE)] = "unauthorized"
    out[(KEY, NONE)] = out[(KEY_UNSCOPED, NONE)] = "unauthorized"
    out[(ADMIN_SETUP, NONE)] = "unauthorized"
    return out


def _socket_mark_read() -> dict[tuple[str, str], str]:
    out: dict[tuple[str, str], str] = {(role, OWN): "ok" for role in USER_ROLES}
    out.update({(CANDIDATE, OTHER_USER): "not_found", (OWNER, OTHER_USER): "not_found"})
    out[(ADMIN, OTHER_USER)] = "not_found"
    # They never get a connection to send it on.
    out[(ANONYMOUS, NONE)] = "unauthorized"
    out[(KEY, NONE)] = out[(KEY_UNSCOPED, NONE)] = "unauthorized"
    out[(ADMIN_SETUP, NONE)] = "unauthorized"
    return out


SOCKET_EVENTS: list[SocketEvent] = [
    SocketEvent(
        "connect",
        _socket_connect(),
        note='auth={"token": <access token>}; API keys are not socket.io credentials',
    ),
    SocketEvent(
        "mark_read",
        _socket_mark_read(),
        obj="notification",
        note="another user's notification is not found; the ack carries the code",
    ),
]
# Handlers with nothing to authorize: the server calls them, no client sends them.
SOCKET_UNCHECKED = {"disconnect": "run by the server when a socket closes"}
