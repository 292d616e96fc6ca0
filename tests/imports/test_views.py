"""CSV imports of jobs (SPEC §10): validate every row, then all or nothing; dry runs,
skip_invalid, errors.csv, undo, idempotency, and an export that re-imports as it was."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import func, select

from jobhub.db import db
from jobhub.jobs.models import Job

HEADER = "title,description,status,remote,skills,salary_min,salary_max,salary_currency"
GOOD = [
    "Backend Engineer,APIs in Python.,published,remote,Python; JS,50000,70000,EUR",
    "Data Engineer,Pipelines.,draft,hybrid,postgres,,,",
    '"Site Reliability, Senior","On call, sometimes.",draft,onsite,k8s,,,',
]


@pytest.fixture
def company(make, employer):
    return make("company", owner=employer, verified=True)


def _csv(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def _upload(api, user, company, content: bytes, headers=None, **form):
    data = {"resource": "jobs", "company_id": str(company.id), **form}
    data["file"] = (io.BytesIO(content), "jobs.csv")
    return api.post(
        user, "/imports", data=data, content_type="multipart/form-data", headers=headers or {}
    )


def _imported(api, user, company, content: bytes, **form) -> dict:
    response = _upload(api, user, company, content, **form)
    assert response.status_code == 202, response.get_json()
    return api("GET", user, f"/imports/{response.get_json()['id']}")


def _jobs(app, company) -> list[Job]:
    with app.app_context():
        query = select(Job).where(Job.company_id == company.id, Job.deleted_at.is_(None))
        return list(db.session.scalars(query.order_by(Job.id)))


def test_a_valid_file_is_imported_as_post_jobs_would(app, api, employer, company):
    body = _imported(api, employer, company, _csv(*GOOD))
    assert (body["status"], body["total"], body["valid"], body["invalid"]) == ("done", 3, 3, 0)
    assert body["created"] == 3 and body["errors"] == [] and body["dry_run"] is False
    jobs = _jobs(app, company)
    assert [job.title for job in jobs] == [
        "Backend Engineer",
        "Data Engineer",
        "Site Reliability, Senior",
    ]
    first = api("GET", None, f"/jobs/{jobs[0].id}")
    assert first["skills"] == ["python", "javascript"]
    assert (first["status"], first["moderation_status"]) == ("published", "approved")
    assert first["salary_currency"] == "EUR" and first["expires_at"]
    assert api("GET", employer, f"/jobs/{jobs[2].id}")["skills"] == ["kubernetes"]
    hits = api("GET", None, "/jobs?q=backend")
    assert [hit["id"] for hit in hits] == [jobs[0].id]
    [note] = api("GET", employer, "/notifications?type=import.finished")
    assert note["data"] == {"import_id": body["id"], "status": "done", "created": 3}


BAD = [
    ",No title.,draft,onsite,,,,",
    "Fine,Fine.,draft,moon,,,,",
    "Money,Backwards.,draft,onsite,,90000,10000,EUR",
    "Money,No currency.,draft,onsite,,1000,2000,",
]


def test_invalid_rows_fail_the_import_and_nothing_is_written(app, api, employer, company):
    body = _imported(api, employer, company, _csv(GOOD[0], *BAD))
    assert (body["status"], body["total"], body["valid"], body["invalid"]) == ("failed", 5, 1, 4)
    assert body["created"] == 0 and "4 invalid rows" in body["error"]
    fields = {(e["row"], e["field"]) for e in body["errors"]}
    assert fields == {(3, "title"), (4, "remote"), (5, "salary_min"), (6, "salary_currency")}
    assert _jobs(app, company) == []
    response = api.get(employer, f"/imports/{body['id']}/errors.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == [*HEADER.split(","), "error"]
    assert [row[1] for row in rows[1:]] == ["No title.", "Fine.", "Backwards.", "No currency."]
    assert rows[1][-1].startswith("title: ")


def test_skip_invalid_imports_the_valid_rows(app, api, employer, company):
    body = _imported(api, employer, company, _csv(GOOD[0], *BAD), skip_invalid="true")
    assert (body["status"], body["created"], body["invalid"]) == ("done", 1, 4)
    assert [job.title for job in _jobs(app, company)] == ["Backend Engineer"]


def test_a_dry_run_waits_for_confirm_then_undo_removes_what_it_made(app, api, employer, company):
    body = _imported(api, employer, company, _csv(*GOOD), dry_run="true")
    assert (body["status"], body["valid"], body["created"]) == ("validated", 3, 0)
    assert _jobs(app, company) == []
    confirmed = api("POST", employer, f"/imports/{body['id']}/confirm")
    assert confirmed == {"id": body["id"], "status": "queued"}
    done = api("GET", employer, f"/imports/{body['id']}")
    assert (done["status"], done["created"], done["dry_run"]) == ("done", 3, True)
    assert len(_jobs(app, company)) == 3
    assert api.post(employer, f"/imports/{body['id']}/confirm").status_code == 409
    undone = api("POST", employer, f"/imports/{body['id']}/undo")
    assert undone["status"] == "undone"
    assert _jobs(app, company) == []
    assert api.post(employer, f"/imports/{body['id']}/undo").status_code == 409


def test_a_repeated_idempotency_key_returns_the_first_import(app, api, employer, company):
    headers = {"Idempotency-Key": "batch-2026-12-02"}
    first = _upload(api, employer, company, _csv(*GOOD), headers=headers).get_json()
    again = _upload(api, employer, company, _csv(GOOD[0]), headers=headers).get_json()
    assert again["id"] == first["id"]
    assert len(_jobs(app, company)) == 3
    bad = _upload(api, employer, company, _csv(*GOOD), headers={"Idempotency-Key": "a b"})
    assert bad.status_code == 422


def test_unreadable_files_fail_or_are_refused(api, employer, company):
    body = _imported(api, employer, company, _csv(GOOD[0], header=HEADER + ",salary"))
    assert body["status"] == "failed" and "Unknown columns: salary" in body["error"]
    body = _imported(api, employer, company, b"description\nNo title column\n")
    assert body["status"] == "failed" and "Missing columns: title" in body["error"]
    response = _upload(api, employer, company, "title\n\udcff".encode("utf-8", "surrogatepass"))
    assert response.status_code == 422
    assert _upload(api, employer, company, b"title\x00\n").status_code == 422


def test_who_may_import(api, make, make_user, employer, company, candidate):
    stranger = make_user(role="employer")
    assert _upload(api, stranger, company, _csv(*GOOD)).status_code == 403
    assert _upload(api, candidate, company, _csv(*GOOD)).status_code == 403
    missing = type("C", (), {"id": 999999})()
    assert _upload(api, employer, missing, _csv(*GOOD)).status_code == 422
    body = _imported(api, employer, company, _csv(*GOOD))
    assert api.get(stranger, f"/imports/{body['id']}").status_code == 404
    assert api.get(candidate, f"/imports/{body['id']}").status_code == 404


def test_an_export_reimports_to_the_same_data(app, api, employer, company, make):
    make(
        "job",
        company=company,
        title="Exported one",
        skills=["python", "sql"],
        salary_min=1000,
        salary_currency="EUR",
    )
    make("job", company=company, title="=Formula title", status="closed")
    make("job", company=company, title="Draft, with comma", status="draft")
    queued = api("POST", employer, "/exports", json={"resource": "jobs", "format": "csv"})
    assert api("GET", employer, f"/exports/{queued['id']}")["status"] == "done"
    exported = api.get(employer, f"/exports/{queued['id']}/download").get_data()
    other = make("company", owner=employer, verified=True)
    body = _imported(api, employer, other, exported, skip_invalid="false")
    assert body["status"] == "done", body
    columns = ("title", "description", "status", "skills", "salary_min", "remote", "seniority")

    def data(jobs):
        return sorted(tuple(getattr(job, c) for c in columns) for job in jobs)

    assert data(_jobs(app, other)) == data(_jobs(app, company))
    with app.app_context():
        total = db.session.scalar(select(func.count()).select_from(Job))
    assert total == 6


def test_the_upload_documents_its_form_fields_and_its_file_in_one_body(client):
    """flask-smorest documented only the file of a form + files view (issue 11: a client
    reading the document sent no company_id); one ``form_and_files`` schema says both."""
    spec = client.get("/api/openapi.json").get_json()
    body = spec["paths"]["/api/v1/imports"]["post"]["requestBody"]["content"]
    name = body["multipart/form-data"]["schema"]["$ref"].rsplit("/", 1)[-1]
    schema = spec["components"]["schemas"][name]
    assert set(schema["required"]) == {"company_id", "file", "resource"}
    assert schema["properties"]["file"]["format"] == "binary"


SEARCHED = [
    "Backend Engineer,APIs in Python.,published,remote,Python; JS,50000,70000,EUR",
    "Data Wrangler,Pipelines and dashboards.,published,hybrid,postgres,,,",
]


@pytest.mark.parametrize("trusted", [True, False], ids=["references-held", "checked"])
def test_imported_jobs_are_searched_and_filtered_as_written_ones(
    app, api, employer, company, trusted
):
    """The merge computes the search vectors itself (PostgreSQL; SQLite's FTS5 triggers
    run as before) and fills job_skills, with the foreign keys held or checked per row."""
    app.config["IMPORT_TRUSTED_REFERENCES"] = trusted
    assert _imported(api, employer, company, _csv(*SEARCHED))["status"] == "done"
    first, second = (job.id for job in _jobs(app, company))

    def ids(query: str) -> list[int]:
        return sorted(hit["id"] for hit in api("GET", None, f"/jobs?{query}"))

    assert ids("q=backend") == [first]  # title
    assert ids("q=pipelines") == [second]  # description
    assert ids("q=javascript") == [first]  # a required skill, normalised
    assert ids("skills=postgresql") == [second]  # job_skills
    assert ids("skills=python&skills=javascript") == [first]
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            imported = db.session.scalars(
                select(Job.search_vector.cast(db.Text)).where(Job.company_id == company.id)
            ).all()
            # Rewritten by the trigger's own formula: the same vectors.
            db.session.execute(
                Job.__table__.update()
                .where(Job.company_id == company.id)
                .values(title=Job.__table__.c.title)
            )
            rewritten = db.session.scalars(
                select(Job.search_vector.cast(db.Text)).where(Job.company_id == company.id)
            ).all()
            db.session.rollback()
            assert imported == rewritten and all(imported)


def test_imported_jobs_keep_their_references_unique_per_company(app, api, employer, company):
    first = api(
        "POST",
        employer,
        "/jobs",
        json={
            "company_id": company.id,
            "title": "Existing",
            "description": "x",
            "external_ref": "R-1",
        },
    )
    header = "title,description,external_ref"
    rows = ["Fresh one,Text.,R-2", "Taken,Text.,R-1", "Again,Text.,R-2", "None given,Text.,"]
    body = _imported(api, employer, company, _csv(*rows, header=header), skip_invalid="true")
    assert (body["status"], body["valid"], body["invalid"]) == ("done", 2, 2)
    assert body["errors"] == [
        {
            "row": 3,
            "field": "external_ref",
            "message": "Already used by another job of this company.",
        },
        {"row": 4, "field": "external_ref", "message": "Used by an earlier row of this file."},
    ]
    jobs = _jobs(app, company)
    assert [(job.title, job.external_ref) for job in jobs] == [
        ("Existing", "R-1"),
        ("Fresh one", "R-2"),
        ("None given", None),
    ]
    assert api("GET", employer, f"/jobs/{jobs[1].id}")["external_ref"] == "R-2"
    assert first["external_ref"] == "R-1"
