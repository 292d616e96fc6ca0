"""CSV imports of applications (SPEC §10): every row checked (candidate, job link, status,
dates, history), candidates without an account get one (no password, no mail), the
applications go in with their history, undo soft-deletes what the import made, and an
applications export re-imports to the same data."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from jobhub.applications.models import Application
from jobhub.db import db
from jobhub.users.models import User
from jobhub.users.services import NO_PASSWORD

HEADER = (
    "job_id,candidate_email,candidate_name,status,rejection_reason,cover_letter,"
    "created_at,status_changed_at,history"
)


@pytest.fixture
def company(make, employer):
    return make("company", owner=employer, verified=True)


@pytest.fixture
def jobs(make, company):
    return [make("job", company=company, title=f"Job {n}") for n in (1, 2)]


@pytest.fixture
def known(make_user):
    return make_user(role="candidate", email="known@example.com", full_name="Known Person")


def _csv(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def _upload(api, user, company, content: bytes, headers=None, **form):
    data = {"resource": "applications", "company_id": str(company.id), **form}
    data["file"] = (io.BytesIO(content), "applications.csv")
    return api.post(
        user, "/imports", data=data, content_type="multipart/form-data", headers=headers or {}
    )


def _imported(api, user, company, content: bytes, **form) -> dict:
    response = _upload(api, user, company, content, **form)
    assert response.status_code == 202, response.get_json()
    return api("GET", user, f"/imports/{response.get_json()['id']}")


def _good(jobs) -> list[str]:
    one, two = jobs[0].id, jobs[1].id
    return [
        f'{one},Known@Example.com,Other Name,applied,,"Hello, world",2026-01-05T09:00:00Z,,',
        f"{one},new.person@example.com,New  Person,interviewing,,,,,"
        "applied 2026-01-02T09:00:00Z; screening 2026-01-03T10:00:00Z; "
        "interviewing 2026-01-05T15:30:00Z",
        f"{two},new.person@example.com,New Person,rejected,not_qualified,,"
        "2026-01-04T09:00:00Z,2026-01-06T09:00:00Z,",
    ]


def _live(app, company) -> list[Application]:
    with app.app_context():
        query = select(Application).where(
            Application.company_id == company.id, Application.deleted_at.is_(None)
        )
        return list(db.session.scalars(query.order_by(Application.id)))


def _user(app, email: str) -> User:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        db.session.expunge(user)
        return user


def test_a_valid_file_creates_applications_their_history_and_accounts(
    app, api, employer, company, jobs, known, mailbox
):
    body = _imported(api, employer, company, _csv(*_good(jobs)))
    assert (body["status"], body["total"], body["valid"], body["invalid"]) == ("done", 3, 3, 0)
    assert (body["created"], body["progress"], body["errors"]) == (3, 100, [])
    listed = api("GET", employer, f"/applications?job_id={jobs[0].id}")
    assert sorted(a["status"] for a in listed) == ["applied", "interviewing"]
    assert {a["source"] for a in listed} == {"import"}
    first, second, third = (a.id for a in _live(app, company))

    history = api("GET", employer, f"/applications/{second}/history")
    assert [(h["from"], h["to"], h["at"]) for h in history] == [
        (None, "applied", "2026-01-02T09:00:00Z"),
        ("applied", "screening", "2026-01-03T10:00:00Z"),
        ("screening", "interviewing", "2026-01-05T15:30:00Z"),
    ]
    # Without a history: applied when created, then one move to where it is now.
    history = api("GET", employer, f"/applications/{third}/history")
    assert [(h["from"], h["to"], h["at"], h.get("reason")) for h in history] == [
        (None, "applied", "2026-01-04T09:00:00Z", None),
        ("applied", "rejected", "2026-01-06T09:00:00Z", "not_qualified"),
    ]
    # The known address is the existing account (its name kept); the new one got a
    # candidate account without a password, made once for its two rows, and no mail.
    mine = api("GET", known, "/applications")
    assert [(a["id"], a["cover_letter"]) for a in mine] == [(first, "Hello, world")]
    assert _user(app, "known@example.com").full_name == "Known Person"
    new = _user(app, "new.person@example.com")
    assert (new.role.value, new.password_hash, new.full_name) == (
        "candidate",
        NO_PASSWORD,
        "New Person",
    )
    assert new.import_id == body["id"]
    assert mailbox.to("new.person@example.com") == []
    assert api("GET", employer, f"/jobs/{jobs[0].id}")["applications_count"] == 2
    [note] = api("GET", employer, "/notifications?type=import.finished")
    assert note["data"] == {"import_id": body["id"], "status": "done", "created": 3}


def test_invalid_rows_fail_the_import_with_exact_errors(
    app, api, make, make_user, employer, company, jobs, known
):
    other = make("job", company=make("company", owner=make_user(role="employer")))
    make_user(role="employer", email="boss@example.com")
    make("application", job=jobs[1], candidate=known)
    one, two = jobs[0].id, jobs[1].id
    rows = [
        *_good(jobs)[:1],
        f"{other.id},a@example.com,A,applied,,,,,",  # 3: another company's job
        f"{one},boss@example.com,Boss,applied,,,,,",  # 4: not a candidate
        f"{one},nobody@example.com,,applied,,,,,",  # 5: no name for a new account
        f"{one},b@example.com,B,moon,,,,,",  # 6: no such status
        f"{one},c@example.com,C,applied,not_qualified,,,,",  # 7: a reason, not rejected
        f"{one},d@example.com,D,hired,,,,,applied 2026-01-01T00:00:00Z; hired 2026-01-02T00:00:00Z",
        f"{one},e@example.com,E,applied,,,2999-01-01T00:00:00Z,,",  # 9: in the future
        f"{one},not-an-email,F,applied,,,,,",  # 10
        f"{one},KNOWN@example.com,,screening,,,,,",  # 11: row 2 already made it active
        f"{two},known@example.com,,applied,,,,,",  # 12: an active application exists
        f"{one},g@example.com,G,applied,,,2026-01-02T00:00:00Z,2026-01-01T00:00:00Z,",
    ]
    body = _imported(api, employer, company, _csv(*rows))
    assert (body["status"], body["total"], body["valid"], body["invalid"]) == (
        "failed",
        12,
        1,
        11,
    )
    assert body["created"] == 0 and "11 invalid rows" in body["error"]
    assert body["progress"] == 50  # validated (the first half), nothing inserted
    assert [(e["row"], e["field"]) for e in body["errors"]] == [
        (3, "job_id"),
        (4, "candidate_email"),
        (5, "candidate_name"),
        (6, "status"),
        (7, "rejection_reason"),
        (8, "history"),
        (9, "created_at"),
        (10, "candidate_email"),
        (11, "job_id"),
        (12, "job_id"),
        (13, "status_changed_at"),
    ]
    messages = {e["row"]: e["message"] for e in body["errors"]}
    assert messages[3] == "No job of this company has this id."
    assert messages[8] == "No move from applied to hired."
    assert messages[12] == "The candidate already has an active application for it."
    assert len(_live(app, company)) == 1  # the factory's, nothing imported
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "a@example.com")) is None
    response = api.get(employer, f"/imports/{body['id']}/errors.csv")
    lines = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert lines[0] == [*HEADER.split(","), "error"]
    assert [line[1] for line in lines[1:3]] == ["a@example.com", "boss@example.com"]
    assert lines[1][-1] == "job_id: No job of this company has this id."
    assert len(lines) == 12


def test_skip_invalid_imports_the_valid_rows(app, api, employer, company, jobs):
    rows = [*_good(jobs), f"{jobs[0].id},x@example.com,X,moon,,,,,"]
    body = _imported(api, employer, company, _csv(*rows), skip_invalid="true")
    assert (body["status"], body["created"], body["invalid"]) == ("done", 3, 1)
    assert len(_live(app, company)) == 3


def test_dry_run_confirm_undo_and_import_again(app, api, employer, company, jobs, known):
    body = _imported(api, employer, company, _csv(*_good(jobs)), dry_run="true")
    assert (body["status"], body["valid"], body["created"], body["progress"]) == (
        "validated",
        3,
        0,
        50,
    )
    assert _live(app, company) == []
    assert api("POST", employer, f"/imports/{body['id']}/confirm")["status"] == "queued"
    assert api("GET", employer, f"/imports/{body['id']}")["status"] == "done"
    made = _live(app, company)
    assert len(made) == 3
    undone = api("POST", employer, f"/imports/{body['id']}/undo")
    assert undone["status"] == "undone"
    assert _live(app, company) == [] and api("GET", employer, "/applications") == []
    assert api.get(employer, f"/applications/{made[0].id}").status_code == 404
    assert api("GET", known, "/applications") == []
    # The account it made has nothing else: soft-deleted. The known one is untouched.
    assert _user(app, "new.person@example.com").deleted_at is not None
    assert _user(app, "known@example.com").deleted_at is None
    assert api("GET", employer, f"/jobs/{jobs[0].id}")["applications_count"] == 0
    assert api.post(employer, f"/imports/{body['id']}/undo").status_code == 409
    # Undone applications block nothing: the same file goes in again.
    again = _imported(api, employer, company, _csv(*_good(jobs)))
    assert (again["status"], again["created"]) == ("done", 3)
    revived = _user(app, "new.person@example.com")
    assert revived.deleted_at is None and revived.import_id == again["id"]


def test_undo_keeps_an_account_that_has_something_else(app, api, employer, company, jobs):
    first = _imported(api, employer, company, _csv(_good(jobs)[2]))
    second = _imported(api, employer, company, _csv(_good(jobs)[1]))
    assert (first["created"], second["created"]) == (1, 1)
    api("POST", employer, f"/imports/{first['id']}/undo")
    # Made by the first import, but it now has the second import's application.
    assert _user(app, "new.person@example.com").deleted_at is None
    assert [a.status.value for a in _live(app, company)] == ["interviewing"]


def test_a_repeated_idempotency_key_returns_the_first_import(api, employer, company, jobs):
    headers = {"Idempotency-Key": "applications-2026-12-03"}
    first = _upload(api, employer, company, _csv(*_good(jobs)), headers=headers).get_json()
    again = _upload(api, employer, company, _csv(_good(jobs)[0]), headers=headers).get_json()
    assert again["id"] == first["id"]
    assert api("GET", employer, f"/imports/{first['id']}")["created"] == 3


def test_an_applications_export_reimports_to_the_same_data(api, employer, company, jobs, known):
    imported = _imported(api, employer, company, _csv(*_good(jobs)))
    assert imported["status"] == "done"
    # Moves made in JobHub after the import: the export carries them in `history`.
    listed = {a["status"]: a["id"] for a in api("GET", employer, "/applications")}
    api(
        "PATCH", employer, f"/applications/{listed['applied']}/status", json={"status": "screening"}
    )
    api(
        "PATCH",
        employer,
        f"/applications/{listed['interviewing']}/status",
        json={"status": "offered"},
    )
    exported = _export_csv(api, employer)
    before = _parsed(exported)
    assert len(before) == 3 and any("offered" in row["history"] for row in before)
    api("POST", employer, f"/imports/{imported['id']}/undo")
    assert _export(api, employer) == []
    again = _imported(api, employer, company, exported)
    assert (again["status"], again["created"]) == ("done", 3), again

    def same(rows):
        return sorted(tuple((k, v) for k, v in row.items() if k != "id") for row in rows)

    assert same(_export(api, employer)) == same(before)


def _export_csv(api, user) -> bytes:
    queued = api("POST", user, "/exports", json={"resource": "applications", "format": "csv"})
    assert api("GET", user, f"/exports/{queued['id']}")["status"] == "done"
    return api.get(user, f"/exports/{queued['id']}/download").get_data()


def _parsed(content: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def _export(api, user) -> list[dict]:
    return _parsed(_export_csv(api, user))


def test_an_api_key_needs_applications_write_to_import_applications(
    app, api, client, employer, company, jobs
):
    def key(scopes):
        body = {"name": "ATS sync", "scopes": scopes}
        raw = api("POST", employer, f"/companies/{company.id}/api-keys", json=body)["key"]
        return {"Authorization": f"Bearer {raw}"}

    def upload(headers):
        data = {"resource": "applications", "company_id": str(company.id)}
        data["file"] = (io.BytesIO(_csv(*_good(jobs))), "applications.csv")
        return client.post(
            "/api/v1/imports", data=data, content_type="multipart/form-data", headers=headers
        )

    refused = upload(key(["jobs:write"]))
    assert refused.status_code == 403 and "applications:write" in refused.get_json()["message"]
    assert _live(app, company) == []
    accepted = upload(key(["jobs:write", "jobs:read", "applications:write"]))
    assert accepted.status_code == 202, accepted.get_json()
    assert len(_live(app, company)) == 3


def test_rows_may_name_their_job_by_its_reference(app, api, make, make_user, employer, company):
    by_ref = make("job", company=company, title="Referenced", external_ref="REQ-7")
    plain = make("job", company=company, title="Plain")
    elsewhere = make("company", owner=make_user(role="employer"))
    make("job", company=elsewhere, title="Theirs", external_ref="REQ-8")
    header = "job_id,job_reference,candidate_email,candidate_name,status"
    rows = [
        ",REQ-7,a@example.com,A,applied",  # 2: by reference
        f"{by_ref.id},REQ-7,b@example.com,B,applied",  # 3: both, the same job
        f"{plain.id},,c@example.com,C,applied",  # 4: by id
        ",REQ-404,d@example.com,D,applied",  # 5: unknown reference
        ",REQ-8,e@example.com,E,applied",  # 6: another company's reference
        f"{plain.id},REQ-7,f@example.com,F,applied",  # 7: they disagree
        ",,g@example.com,G,applied",  # 8: neither
    ]
    body = _imported(api, employer, company, _csv(*rows, header=header), skip_invalid="true")
    assert (body["status"], body["valid"], body["invalid"]) == ("done", 3, 4)
    unknown = "No job of this company has this reference."
    assert body["errors"] == [
        {"row": 5, "field": "job_reference", "message": unknown},
        {"row": 6, "field": "job_reference", "message": unknown},
        {"row": 7, "field": "job_reference", "message": "Names another job than job_id."},
        {"row": 8, "field": "job_id", "message": "Give job_id or job_reference."},
    ]
    assert sorted((a.job_id, a.status.value) for a in _live(app, company)) == sorted(
        [(by_ref.id, "applied"), (by_ref.id, "applied"), (plain.id, "applied")]
    )
    assert api("GET", employer, f"/jobs/{by_ref.id}")["applications_count"] == 2


def test_a_file_without_job_id_or_job_reference_is_refused(api, employer, company):
    body = _imported(api, employer, company, _csv("a@example.com,A", header="candidate_email,x"))
    assert body["status"] == "failed"
    content = _csv("a@example.com,A", header="candidate_email,candidate_name")
    body = _imported(api, employer, company, content)
    assert (body["status"], body["error"]) == (
        "failed",
        "Missing columns: one of job_id, job_reference.",
    )
