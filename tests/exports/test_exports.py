"""Exports through the API: every resource and format parsed back, filters, fields,
CSV escaping, ownership, expiry and bad requests."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from jobhub.audit.models import AuditEntry
from jobhub.db import db, utcnow
from jobhub.exports.columns import (
    APPLICATION_EXPORT_COLUMNS,
    JOB_EXPORT_COLUMNS,
    parse_cell,
    parse_list,
)
from jobhub.exports.models import Export
from jobhub.notifications.models import Notification
from tests.exports.conftest import export

COLUMNS = {"jobs": JOB_EXPORT_COLUMNS, "applications": APPLICATION_EXPORT_COLUMNS}


def _csv(data: bytes) -> list[dict[str, str]]:
    assert not data.startswith(b"\xef\xbb\xbf")  # UTF-8 without a byte-order mark
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


def _jsonl(data: bytes) -> list[dict]:
    return [json.loads(line) for line in data.decode("utf-8").splitlines()]


def _parse(fmt: str, resource: str, data: bytes) -> list[dict] | str:
    """Rows of a csv/json/zip export; the PDF's text."""
    if fmt == "csv":
        return _csv(data)
    if fmt == "json":
        return _jsonl(data)
    if fmt == "zip":
        archive = zipfile.ZipFile(io.BytesIO(data))
        manifest = json.loads(archive.read("manifest.json"))
        entry = f"{resource}.csv"
        content = archive.read(entry)
        assert manifest["files"][entry]["sha256"] == hashlib.sha256(content).hexdigest()
        assert manifest["files"][entry]["size_bytes"] == len(content)
        rows = _csv(content)
        assert manifest["files"][entry]["rows"] == len(rows)
        return rows
    assert data.startswith(b"%PDF-")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.mark.parametrize("fmt", ["csv", "json", "zip", "pdf"])
@pytest.mark.parametrize("resource", ["jobs", "applications"])
def test_every_resource_and_format_downloads_and_parses(api, board, resource, fmt):
    body, data = export(api, board.employer, resource=resource, format=fmt)
    expected = 2 if resource == "jobs" else 3
    assert body["rows"] == expected and body["progress"] == 100
    assert body["size_bytes"] == len(data)
    assert body["resource"] == resource and body["format"] == fmt
    parsed = _parse(fmt, resource, data)
    if fmt == "pdf":
        assert f"{expected} rows in total" in parsed
        assert "Summary by status" in parsed and "Rows by status" in parsed
        if resource == "jobs":
            assert "Backend Engineer" in parsed and "Frontend Engineer" in parsed
        else:
            assert "chloe@example.com" in parsed and "omar@example.com" in parsed
        return
    assert [list(row) for row in parsed] == [list(COLUMNS[resource])] * expected
    by_id = {str(row["id"]): row for row in parsed}
    if resource == "jobs":
        backend = by_id[str(board.jobs[0].id)]
        assert backend["title"] == "Backend Engineer"
        skills = backend["skills"]
        assert (parse_list(skills) if fmt != "json" else skills) == ["python", "sql"]
    else:
        rejected = by_id[str(board.applications[2].id)]
        assert rejected["candidate_email"] == "omar@example.com"
        assert rejected["status"] == "rejected"
        history = rejected["history"]
        if fmt == "json":
            assert [(m["from_status"], m["to_status"], m["by"]) for m in history] == [
                (None, "applied", "candidate"),
                ("applied", "rejected", "employer"),
            ]
            assert history[1]["reason"] == "position_filled"
            assert all(m["at"].endswith("Z") for m in history)
        else:
            moves = parse_list(history)
            assert [m.split(" ")[0] for m in moves] == ["applied", "rejected"]
            assert all(m.split(" ")[1].endswith("Z") for m in moves)


def test_a_candidate_exports_only_their_applications_with_every_stage_move(api, board):
    _, data = export(api, board.candidate, resource="applications", format="json")
    rows = _jsonl(data)
    assert sorted(row["id"] for row in rows) == sorted(a.id for a in board.applications[:2])
    screening = next(row for row in rows if row["id"] == board.applications[0].id)
    assert [m["to_status"] for m in screening["history"]] == ["applied", "screening"]
    assert screening["job_title"] == "Backend Engineer"
    assert screening["company_name"] == board.company.name


def test_filters_and_fields_are_honoured(api, board):
    body, data = export(
        api,
        board.employer,
        resource="applications",
        format="csv",
        filters={"status": "rejected", "job_id": board.jobs[0].id},
        fields=["status", "candidate_email", "id"],
    )
    assert body["filters"] == {"status": "rejected", "job_id": board.jobs[0].id}
    assert body["fields"] == ["status", "candidate_email", "id"]
    text = data.decode()
    assert text.splitlines()[0] == "status,candidate_email,id"
    assert _csv(data) == [
        {
            "status": "rejected",
            "candidate_email": "omar@example.com",
            "id": str(board.applications[2].id),
        }
    ]
    _, jobs = export(
        api, board.employer, resource="jobs", format="json", filters={"status": "closed"}
    )
    assert [row["title"] for row in _jsonl(jobs)] == ["Frontend Engineer"]


def test_the_export_row_stores_the_filters_not_the_ids(app, api, board):
    queued = api(
        "POST",
        board.employer,
        "/exports",
        json={"resource": "applications", "format": "csv", "filters": {"status": "applied"}},
    )
    with app.app_context():
        row = db.session.get(Export, queued["id"])
        assert row.filters == {"status": "applied"}
        assert row.fields is None


TRICKY = [
    "Plain, with a comma",
    'Says "hello"',
    "Two\nlines",
    "Ünïcödé — 日本語 🚀",
    '=HYPERLINK("http://evil")',
    "+SUM(A1)",
    "-2+3",
    "@cmd",
    "\tTabbed",
]


def test_csv_escaping_commas_quotes_newlines_unicode_and_formulas(make, api, board):
    for index, description in enumerate(TRICKY):
        make("job", company=board.company, title=f"Tricky {index}", description=description)
    _, data = export(
        api, board.employer, resource="jobs", format="csv", fields=["title", "description"]
    )
    assert b"\r\n" in data  # RFC 4180 line ends
    rows = {row["title"]: row["description"] for row in _csv(data)}
    seen = [rows[f"Tricky {index}"] for index in range(len(TRICKY))]
    assert seen[:4] == TRICKY[:4]  # quoted by the writer, read back unchanged
    assert seen[4:] == ["'" + value for value in TRICKY[4:]]  # formulas defused
    assert [parse_cell(cell) for cell in seen] == TRICKY  # and the importer undoes it
    assert '"Says ""hello"""' in data.decode()


def test_only_the_owner_sees_and_downloads_an_export(api, board, make_user):
    body, _ = export(api, board.employer, resource="jobs", format="csv")
    stranger = make_user(role="employer")
    for path in (f"/exports/{body['id']}", f"/exports/{body['id']}/download"):
        response = api.get(stranger, path)
        assert response.status_code == 404 and response.get_json()["error"] == "not_found"
    assert api("GET", stranger, "/exports") == []
    assert [row["id"] for row in api("GET", board.employer, "/exports")] == [body["id"]]


def test_downloads_are_audited(app, api, board):
    body, _ = export(api, board.employer, resource="jobs", format="json")
    with app.app_context():
        entries = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "export.downloaded")
        ).all()
        assert [(e.actor_id, e.target_type, e.target_id) for e in entries] == [
            (board.employer.id, "export", str(body["id"]))
        ]


def test_export_ready_notification(app, api, board):
    body, _ = export(api, board.employer, resource="jobs", format="csv")
    with app.app_context():
        notes = db.session.scalars(
            select(Notification).where(Notification.user_id == board.employer.id)
        ).all()
        ready = [n for n in notes if n.type == "export.ready"]
        assert len(ready) == 1 and ready[0].data["export_id"] == body["id"]


def test_expired_exports_answer_410_and_lose_their_file(app, api, board, upload_dir):
    body, _ = export(api, board.employer, resource="jobs", format="csv")
    expires_at = body["expires_at"]
    with app.app_context():
        row = db.session.get(Export, body["id"])
        key = row.storage_key
        assert (row.expires_at - row.finished_at) == timedelta(hours=72)
    assert (upload_dir / key).exists()
    expire = app.extensions["celery"].tasks["exports.expire"]
    # An hour before expiry nothing happens; past it the file goes (the clock advanced).
    early = (utcnow() + timedelta(hours=71)).isoformat()
    assert expire.apply(kwargs={"now": early}).get() == 0
    assert api.get(board.employer, f"/exports/{body['id']}/download").status_code == 200
    late = (utcnow() + timedelta(hours=73)).isoformat()
    assert expire.apply(kwargs={"now": late}).get() == 1
    assert not (upload_dir / key).exists()
    after = api("GET", board.employer, f"/exports/{body['id']}")
    assert after["status"] == "expired" and after["expires_at"] == expires_at
    gone = api.get(board.employer, f"/exports/{body['id']}/download")
    assert gone.status_code == 410 and gone.get_json()["error"] == "gone"


@pytest.mark.parametrize(
    ("request_body", "field"),
    [
        ({"resource": "users", "format": "csv"}, "resource"),
        ({"resource": "jobs", "format": "xml"}, "format"),
        ({"resource": "jobs"}, "format"),
        ({"resource": "jobs", "format": "csv", "fields": ["password_hash"]}, "fields"),
        ({"resource": "jobs", "format": "csv", "fields": ["history"]}, "fields"),
        ({"resource": "jobs", "format": "csv", "fields": []}, "fields"),
        ({"resource": "jobs", "format": "csv", "fields": ["id", "id"]}, "fields"),
        ({"resource": "account", "format": "csv"}, "format"),
        ({"resource": "account", "format": "zip", "fields": ["id"]}, "fields"),
        ({"resource": "jobs", "format": "csv", "filters": {"job_id": 1}}, "filters"),
        ({"resource": "jobs", "format": "csv", "filters": {"status": "hired"}}, "filters"),
        ({"resource": "jobs", "format": "csv", "filters": {"nope": 1}}, "filters"),
        ({"resource": "jobs", "format": "csv", "filters": {"company_id": 2**31}}, "filters"),
    ],
)
def test_invalid_requests_are_422_and_create_nothing(app, api, board, request_body, field):
    response = api.post(board.employer, "/exports", json=request_body)
    assert response.status_code == 422, response.get_json()
    body = response.get_json()
    assert body["error"] == "validation_error"
    assert field in body["errors"]["json"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Export)) == 0


def test_candidates_cannot_export_jobs(api, board):
    response = api.post(board.candidate, "/exports", json={"resource": "jobs", "format": "csv"})
    assert response.status_code == 422
    assert "resource" in response.get_json()["errors"]["json"]
    spec = api.client.get("/api/openapi.json").get_json()
    assert "422" in spec["paths"]["/api/v1/exports"]["post"]["responses"]


def test_an_export_of_another_companys_jobs_is_empty(api, board, make_user):
    outsider = make_user(role="employer")
    body, data = export(
        api, outsider, resource="jobs", format="csv", filters={"company_id": board.company.id}
    )
    assert body["rows"] == 0
    assert data.decode().splitlines() == [",".join(JOB_EXPORT_COLUMNS)]


def test_unready_export_download_is_404(app, api, board):
    app.extensions["celery"].conf.task_always_eager = False  # queued, no worker runs it
    queued = api("POST", board.employer, "/exports", json={"resource": "jobs", "format": "csv"})
    assert api("GET", board.employer, f"/exports/{queued['id']}")["status"] == "queued"
    response = api.get(board.employer, f"/exports/{queued['id']}/download")
    assert response.status_code == 404


def test_an_export_that_cannot_be_stored_fails_with_a_reason(app, api, board):
    app.config["STORAGE_BACKEND"] = "s3"  # no S3_BUCKET: the backend refuses every file
    queued = api("POST", board.employer, "/exports", json={"resource": "jobs", "format": "csv"})
    body = api("GET", board.employer, f"/exports/{queued['id']}")
    assert body["status"] == "failed" and body["error"]
    assert body["expires_at"] is not None
    response = api.get(board.employer, f"/exports/{queued['id']}/download")
    assert response.status_code == 404


@pytest.mark.parametrize("value", [*TRICKY, "", "-", "x", 0, -5, 3.5, -2.5, None, True])
def test_export_cells_follow_the_one_csv_rule(value):
    """The writer's fast path gives what jobhub.audit.services.csv_cell gives."""
    from jobhub.audit.services import csv_cell
    from jobhub.exports.writers import csv_value

    assert csv_value(value) == csv_cell(value)
