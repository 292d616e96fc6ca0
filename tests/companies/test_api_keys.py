"""Company API keys: owners manage them; a key acts for its company only, within its
scopes (403 outside them and on routes keys never reach), 404 for another company's
objects, 401 once revoked or expired; stored hashed, last use noted at most once a minute."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from jobhub.audit.models import AuditEntry
from jobhub.companies.api_keys.models import ApiKey
from jobhub.db import db, utcnow
from tests.support.api import API, bearer, iso

ALL_SCOPES = ["jobs:read", "jobs:write", "applications:read", "applications:write"]


@pytest.fixture
def make_key(api, employer, company):
    """``make_key(scopes)``: a key of ``company`` created by its owner over HTTP; its body."""

    def create(scopes=ALL_SCOPES, *, owner=employer, of=company, **fields):
        body = {"name": "ATS sync", "scopes": list(scopes), **fields}
        response = api.post(owner, f"/companies/{of.id}/api-keys", json=body)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return create


class Key:
    """Requests sent with an API key: ``key.get("/jobs/mine")``."""

    def __init__(self, client, raw: str) -> None:
        self.client, self.headers = client, bearer(raw)

    def open(self, method: str, path: str, **kwargs):
        return self.client.open(f"{API}{path}", method=method, headers=self.headers, **kwargs)

    def get(self, path: str, **kwargs):
        return self.open("GET", path, **kwargs)

    def post(self, path: str, **kwargs):
        return self.open("POST", path, **kwargs)

    def patch(self, path: str, **kwargs):
        return self.open("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs):
        return self.open("DELETE", path, **kwargs)


@pytest.fixture
def as_key(client, make_key):
    def build(scopes=ALL_SCOPES, **fields) -> Key:
        return Key(client, make_key(scopes, **fields)["key"])

    return build


@pytest.fixture
def world(make, make_user, company):
    """Our company's job with an application, and another company's job with one."""
    candidate = make_user(role="candidate")
    other_owner = make_user(role="employer")
    other = make("company", owner=other_owner)
    ours = make("job", company=company, title="Backend engineer")
    theirs = make("job", company=other, title="Their job")
    return {
        "candidate": candidate,
        "other": other,
        "other_owner": other_owner,
        "job": ours,
        "their_job": theirs,
        "application": make("application", job=ours, candidate=candidate),
        "their_application": make("application", job=theirs, candidate=candidate),
    }


def job_body(company, **fields):
    return {
        "company_id": company.id,
        "title": "Data engineer",
        "description": "Pipelines.",
        "location": "Lyon",
        "country": "FR",
        "remote": "hybrid",
        "employment_type": "full_time",
        "seniority": "mid",
        "skills": ["python"],
        "status": "draft",
        **fields,
    }


# -- managing keys ------------------------------------------------------------------------


def test_an_owner_creates_a_key_shown_once_and_stored_hashed(app, api, employer, company):
    response = api.post(
        employer,
        f"/companies/{company.id}/api-keys",
        json={"name": "ATS sync", "scopes": ["jobs:read", "jobs:write", "jobs:read"]},
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    key = body["key"]
    assert key.startswith(body["prefix"] + "_") and body["prefix"].startswith("jh_")
    assert body["scopes"] == ["jobs:read", "jobs:write"]
    assert body["last_used_at"] is None and body["expires_at"] is None
    listed = api("GET", employer, f"/companies/{company.id}/api-keys")
    assert [k["id"] for k in listed] == [body["id"]]
    assert "key" not in listed[0] and listed[0]["prefix"] == body["prefix"]
    assert set(listed[0]) >= {"name", "scopes", "created_at", "last_used_at", "expires_at"}
    with app.app_context():
        row = db.session.scalar(select(ApiKey))
        secret = key.split("_", 2)[2]
        assert secret not in (row.secret_hash, row.prefix) and len(row.secret_hash) == 64


@pytest.mark.parametrize(
    "body",
    [
        {"name": "x", "scopes": []},
        {"name": "x", "scopes": ["jobs:delete"]},
        {"name": "", "scopes": ["jobs:read"]},
        {"scopes": ["jobs:read"]},
        {"name": "x", "scopes": ["jobs:read"], "expires_at": "2001-01-01T00:00:00Z"},
        {"name": "x\u0000", "scopes": ["jobs:read"]},
    ],
    ids=["no-scope", "unknown-scope", "empty-name", "no-name", "past-expiry", "nul"],
)
def test_bad_key_requests_are_422_and_create_nothing(app, api, employer, company, body):
    response = api.post(employer, f"/companies/{company.id}/api-keys", json=body)
    assert response.status_code in (400, 422), response.get_json()
    with app.app_context():
        assert db.session.scalar(select(ApiKey)) is None


def test_only_owners_manage_keys(api, make, make_user, employer, company, make_key, admin):
    recruiter = make_user(role="employer")
    make("member", company=company, user=recruiter, role="recruiter")
    stranger = make_user(role="employer")
    key_id = make_key()["id"]
    for user in (recruiter, stranger, admin):
        base = f"/companies/{company.id}/api-keys"
        assert api.post(user, base, json={"name": "x", "scopes": ["jobs:read"]}).status_code == 403
        assert api.get(user, base).status_code == 403
        assert api.delete(user, f"{base}/{key_id}").status_code == 403
    assert api.get(None, f"/companies/{company.id}/api-keys").status_code == 401
    assert api.get(employer, "/companies/999999/api-keys").status_code == 404
    # (Ids past 2^31 are the router's business: the bounded <int:> converter of issue 11.)


def test_another_companys_key_cannot_be_revoked_through_ours(api, world, employer, company):
    theirs = api.post(
        world["other_owner"],
        f"/companies/{world['other'].id}/api-keys",
        json={"name": "theirs", "scopes": ["jobs:read"]},
    ).get_json()
    response = api.delete(employer, f"/companies/{company.id}/api-keys/{theirs['id']}")
    assert response.status_code == 404 and response.get_json()["error"] == "not_found"


# -- what a key reaches, scope by scope ---------------------------------------------------


def test_jobs_read_lists_and_reads_the_companys_jobs_only(as_key, world):
    key = as_key(["jobs:read"])
    mine = key.get("/jobs/mine")
    assert mine.status_code == 200, mine.get_json()
    assert [j["id"] for j in mine.get_json()] == [world["job"].id]
    assert key.get(f"/jobs/{world['job'].id}").status_code == 200
    # Another company's job is not there for a key, public or not.
    assert key.get(f"/jobs/{world['their_job'].id}").status_code == 404
    # Without jobs:write: 403 on every write.
    assert key.patch(f"/jobs/{world['job'].id}", json={"title": "New"}).status_code == 403
    assert key.delete(f"/jobs/{world['job'].id}").status_code == 403


def test_jobs_write_creates_edits_deletes_and_restores(app, as_key, world, company):
    key = as_key(["jobs:write", "jobs:read"])
    created = key.post("/jobs", json=job_body(company))
    assert created.status_code == 201, created.get_json()
    job_id = created.get_json()["id"]
    edited = key.patch(f"/jobs/{job_id}", json={"title": "Senior data engineer"})
    assert edited.status_code == 200 and edited.get_json()["title"] == "Senior data engineer"
    assert key.delete(f"/jobs/{job_id}").status_code == 204
    assert key.post(f"/jobs/{job_id}/restore").status_code == 200
    # Another company's job: 404 (not visible to this key); posting for it: 403.
    their = world["their_job"].id
    assert key.patch(f"/jobs/{their}", json={"title": "Mine now"}).status_code == 404
    assert key.delete(f"/jobs/{their}").status_code == 404
    assert key.post("/jobs", json=job_body(world["other"])).status_code == 403
    # jobs:write alone does not read.
    assert as_key(["jobs:write"]).get("/jobs/mine").status_code == 403


def test_applications_read_sees_the_companys_applications(as_key, world):
    key = as_key(["applications:read"])
    listed = key.get("/applications")
    assert listed.status_code == 200
    assert [a["id"] for a in listed.get_json()] == [world["application"].id]
    one = key.get(f"/applications/{world['application'].id}")
    assert one.status_code == 200
    assert key.get(f"/applications/{world['application'].id}/history").status_code == 200
    assert key.get(f"/applications/{world['their_application'].id}").status_code == 404
    assert key.get(f"/applications/{world['their_application'].id}/history").status_code == 404
    moved = key.patch(
        f"/applications/{world['application'].id}/status", json={"status": "screening"}
    )
    assert moved.status_code == 403


def test_applications_write_moves_as_the_employer(as_key, world):
    key = as_key(["applications:write", "applications:read"])
    application = world["application"].id
    moved = key.patch(f"/applications/{application}/status", json={"status": "screening"})
    assert moved.status_code == 200, moved.get_json()
    assert moved.get_json()["status"] == "screening"
    # The table still rules: a candidate's move is not the employer's.
    hired = key.patch(f"/applications/{application}/status", json={"status": "hired"})
    assert hired.status_code == 409
    theirs = key.patch(
        f"/applications/{world['their_application'].id}/status", json={"status": "screening"}
    )
    assert theirs.status_code == 404
    history = key.get(f"/applications/{application}/history").get_json()
    assert history[-1]["to"] == "screening"
    # Made by the company's key: the employer's side, no person behind it.
    assert history[-1]["actor"] == {"id": None, "full_name": None, "side": "employer"}


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/auth/me"),
        ("GET", "/auth/sessions"),
        ("POST", "/auth/logout"),
        ("GET", "/users/me"),
        ("DELETE", "/users/me"),
        ("POST", "/auth/password/change"),
        ("POST", "/auth/2fa/setup"),
        ("GET", "/notifications"),
        ("POST", "/companies"),
        ("GET", "/companies/{company}/api-keys"),
        ("POST", "/companies/{company}/api-keys"),
        ("PATCH", "/companies/{company}"),
        ("GET", "/jobs"),
        ("GET", "/applications/{application}/notes"),
        ("POST", "/auth/refresh"),
    ],
)
def test_routes_keys_never_reach_are_403(as_key, world, company, method, path):
    key = as_key(["jobs:read", "jobs:write", "applications:read", "applications:write"])
    path = path.format(company=company.id, application=world["application"].id)
    response = key.open(method, path, json={})
    if path == "/auth/refresh":
        # The refresh route wants a refresh JWT: a key is no JWT at all there.
        assert response.status_code == 401
        return
    assert response.status_code == 403, (path, response.get_json())
    assert response.get_json()["error"] == "forbidden"


# -- revoked, expired, unknown ------------------------------------------------------------


def test_a_revoked_key_is_refused_at_once(api, client, employer, company, make_key, world):
    body = make_key(["jobs:read"])
    key = Key(client, body["key"])
    assert key.get("/jobs/mine").status_code == 200
    revoked = api.delete(employer, f"/companies/{company.id}/api-keys/{body['id']}")
    assert revoked.status_code == 204
    response = key.get("/jobs/mine")
    assert response.status_code == 401 and response.get_json()["error"] == "unauthorized"
    assert api("GET", employer, f"/companies/{company.id}/api-keys") == []
    again = api.delete(employer, f"/companies/{company.id}/api-keys/{body['id']}")
    assert again.status_code == 404


def test_an_expired_key_is_refused(app, client, make_key, world):
    body = make_key(["jobs:read"], expires_at=iso(utcnow() + timedelta(hours=1)))
    key = Key(client, body["key"])
    assert key.get("/jobs/mine").status_code == 200
    with app.app_context():
        row = db.session.get(ApiKey, body["id"])
        row.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    assert key.get("/jobs/mine").status_code == 401


@pytest.mark.parametrize(
    "raw",
    [
        "jh_",
        "jh_000000000000_" + "x" * 43,
        "jh_zzzzzzzzzzzz_" + "x" * 43,
        "jh_" + "a" * 5000,
        "jh_abc\u00e9_xyz",
    ],
    ids=["empty", "unknown", "not-hex", "huge", "non-ascii"],
)
def test_unknown_or_malformed_keys_are_401(client, world, raw):
    response = client.get(f"{API}/jobs/mine", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 401 and response.get_json()["error"] == "unauthorized"


def test_a_right_prefix_with_a_wrong_secret_is_401(client, make_key, world):
    body = make_key(["jobs:read"])
    forged = body["prefix"] + "_" + "A" * 43
    response = client.get(f"{API}/jobs/mine", headers=bearer(forged))
    assert response.status_code == 401


def test_a_deleted_companys_keys_stop_working(api, client, employer, company, make_key, world):
    key = Key(client, make_key(["jobs:read"])["key"])
    assert api.delete(employer, f"/companies/{company.id}").status_code == 204
    assert key.get("/jobs/mine").status_code == 401


# -- last use -------------------------------------------------------------------------------


def test_last_used_is_written_at_most_once_a_minute(
    app, api, client, employer, company, make_key, world
):
    body = make_key(["jobs:read"])
    key = Key(client, body["key"])

    def last_used():
        with app.app_context():
            return db.session.get(ApiKey, body["id"]).last_used_at

    assert key.get("/jobs/mine").status_code == 200
    first = last_used()
    assert first is not None
    assert key.get("/jobs/mine").status_code == 200
    assert last_used() == first  # within the minute: no write
    with app.app_context():
        db.session.get(ApiKey, body["id"]).last_used_at = first - timedelta(minutes=2)
        db.session.commit()
    assert key.get("/jobs/mine").status_code == 200
    assert last_used() > first - timedelta(minutes=2)
    listed = api("GET", employer, f"/companies/{company.id}/api-keys")
    assert listed[0]["last_used_at"] is not None


def test_the_openapi_document_names_the_key_scheme_and_each_routes_scope(client):
    spec = client.get("/api/openapi.json").get_json()
    schemes = spec["components"]["securitySchemes"]
    assert (
        schemes["apiKeyAuth"]["scheme"] == "bearer"
        and "jh_" in schemes["apiKeyAuth"]["description"]
    )
    scoped = {
        (method, path): operation["x-api-key-scope"]
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        if isinstance(operation, dict) and "x-api-key-scope" in operation
    }
    assert scoped == {
        ("get", "/api/v1/jobs/mine"): "jobs:read",
        ("get", "/api/v1/jobs/{job_id}"): "jobs:read",
        ("post", "/api/v1/jobs"): "jobs:write",
        ("patch", "/api/v1/jobs/{job_id}"): "jobs:write",
        ("delete", "/api/v1/jobs/{job_id}"): "jobs:write",
        ("post", "/api/v1/jobs/{job_id}/restore"): "jobs:write",
        ("get", "/api/v1/applications"): "applications:read",
        ("get", "/api/v1/applications/{application_id}"): "applications:read",
        ("get", "/api/v1/applications/{application_id}/history"): "applications:read",
        ("patch", "/api/v1/applications/{application_id}/status"): "applications:write",
        ("post", "/api/v1/jobs/bulk"): "jobs:write",
        ("patch", "/api/v1/jobs/bulk"): "jobs:write",
        ("delete", "/api/v1/jobs/bulk"): "jobs:write",
        ("patch", "/api/v1/applications/bulk/status"): "applications:write",
        ("post", "/api/v1/imports"): "jobs:write",
        ("get", "/api/v1/imports/{import_id}"): "jobs:read",
        ("get", "/api/v1/imports/{import_id}/errors.csv"): "jobs:read",
        ("post", "/api/v1/imports/{import_id}/confirm"): "jobs:write",
        ("post", "/api/v1/imports/{import_id}/undo"): "jobs:write",
        ("post", "/api/v1/companies/{company_id}/webhooks"): "webhooks:manage",
        ("get", "/api/v1/companies/{company_id}/webhooks"): "webhooks:manage",
        ("get", "/api/v1/webhooks/{webhook_id}"): "webhooks:manage",
        ("patch", "/api/v1/webhooks/{webhook_id}"): "webhooks:manage",
        ("delete", "/api/v1/webhooks/{webhook_id}"): "webhooks:manage",
        ("post", "/api/v1/webhooks/{webhook_id}/rotate-secret"): "webhooks:manage",
        ("post", "/api/v1/webhooks/{webhook_id}/test"): "webhooks:manage",
        ("get", "/api/v1/webhooks/{webhook_id}/deliveries"): "webhooks:manage",
        ("post", "/api/v1/webhook-deliveries/{delivery_id}/redeliver"): "webhooks:manage",
    }
    for (method, path), _scope in scoped.items():
        assert {"apiKeyAuth": []} in spec["paths"][path][method]["security"]


def test_key_creation_revocation_and_every_change_made_with_a_key_are_audited(
    app, api, employer, company, make_key, client, world
):
    body = make_key(["jobs:read", "jobs:write"])
    key = Key(client, body["key"])
    assert key.get("/jobs/mine").status_code == 200  # a read: not audited
    assert key.patch(f"/jobs/{world['job'].id}", json={"title": "Renamed"}).status_code == 200
    assert (
        key.patch(f"/jobs/{world['their_job'].id}", json={"title": "Not yours"}).status_code == 404
    )
    assert api.delete(employer, f"/companies/{company.id}/api-keys/{body['id']}").status_code == 204
    with app.app_context():
        rows = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action.like("api_key.%")).order_by(AuditEntry.id)
        ).all()
        seen = [(row.action, row.target_id, row.actor_id) for row in rows]
        used = [row for row in rows if row.action == "api_key.used"]
    key_id = str(body["id"])
    assert seen == [
        ("api_key.created", key_id, employer.id),
        ("api_key.used", key_id, None),
        ("api_key.revoked", key_id, employer.id),
    ]
    assert used[0].changes["request"][1] == f"PATCH /api/v1/jobs/{world['job'].id}"
