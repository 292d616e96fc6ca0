"""`flask backup`: a round trip into a fresh database and upload directory, and its refusals."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_jwt_extended import create_access_token

from jobhub import create_app
from jobhub.backup import create_backup
from jobhub.config import TestingConfig
from jobhub.db import db
from tests.conftest import BACKEND_NAME
from tests.factories import DEFAULT_PASSWORD
from tests.resumes.conftest import s3_keys
from tests.support.documents import RESUME_LINES, pdf_bytes

PDF = pdf_bytes(RESUME_LINES)
postgres_only = pytest.mark.postgres


@pytest.fixture
def data(app, client, make_user, make) -> dict:
    """Users, a company's job, a candidate's resume file and an application sent with it."""
    admin = make_user(role="admin", email="admin@example.com")
    employer = make_user(role="employer", email="erin@example.com")
    candidate = make_user(role="candidate", email="cara@example.com", full_name="Cara Díaz")
    company = make("company", owner=employer, name="Northwind")
    job = make("job", company=company, title="Backend Engineer", skills=["python", "postgresql"])
    with app.app_context():
        headers = {"Authorization": f"Bearer {create_access_token(str(candidate.id))}"}
    resume = client.post(
        "/api/v1/resumes",
        headers=headers,
        data={"file": (io.BytesIO(PDF), "cara.pdf", "application/pdf")},
        content_type="multipart/form-data",
    )
    assert resume.status_code == 201, resume.get_json()
    application = client.post(
        f"/api/v1/jobs/{job.id}/applications",
        headers=headers,
        json={"resume_id": resume.get_json()["id"], "cover_letter": "Hello from Cara."},
    )
    assert application.status_code == 201, application.get_json()
    return {
        "key": _storage_key(app, resume.get_json()["id"]),
        "admin": admin,
        "employer": employer,
        "candidate": candidate,
        "job": job,
        "resume": resume.get_json(),
        "application": application.get_json(),
    }


def _storage_key(app: Flask, resume_id: int) -> str:
    with app.app_context(), db.engine.connect() as connection:
        query = sa.text("SELECT storage_key FROM resumes WHERE id = :id")
        return connection.execute(query, {"id": resume_id}).scalar_one()


def _invoke(app: Flask, *args: str):
    return app.test_cli_runner().invoke(args=["backup", *args])


def _create(app: Flask, output: Path) -> Path:
    result = _invoke(app, "create", "--output", str(output))
    assert result.exit_code == 0, result.output
    return Path(result.output.strip().splitlines()[-1])


def _every_row(app: Flask) -> dict[str, list]:
    """Every row of every table, in primary-key order, as JSON text."""
    with app.app_context(), db.engine.connect() as connection:
        tables = sa.inspect(connection).get_table_names()
        return {
            table: [
                json.dumps(list(row), default=str)
                for row in connection.execute(sa.text(f'SELECT * FROM "{table}" ORDER BY 1'))
            ]
            for table in sorted(tables)
        }


def _bearer(app: Flask, user) -> dict[str, str]:
    with app.app_context():
        return {"Authorization": f"Bearer {create_access_token(str(user.id))}"}


@postgres_only
def test_round_trip_into_a_fresh_database_and_upload_dir(app, data, fresh_app, tmp_path):
    backup = _create(app, tmp_path / "backups")
    assert backup.parent == tmp_path / "backups" and backup.name.startswith("jobhub-")
    manifest = json.loads((backup / "manifest.json").read_text())
    assert [entry["key"] for entry in manifest["files"]] == [data["key"]]
    assert manifest["row_counts"]["users"] == 3 and manifest["row_counts"]["applications"] == 1
    assert (backup / "SHA256SUMS").read_text().count("\n") == 2  # the dump and the file

    restored = fresh_app()
    result = _invoke(restored, "restore", str(backup))
    assert result.exit_code == 0, result.output
    assert "1 file(s) to local" in result.output

    assert _every_row(restored) == _every_row(app)
    key = data["key"]
    assert (Path(restored.config["UPLOAD_DIR"]) / key).read_bytes() == PDF

    client = restored.test_client()
    download = client.get(
        f"/api/v1/resumes/{data['resume']['id']}/file", headers=_bearer(restored, data["candidate"])
    )
    assert download.status_code == 200 and download.data == PDF
    application = client.get(
        f"/api/v1/applications/{data['application']['id']}",
        headers=_bearer(restored, data["employer"]),
    )
    assert application.status_code == 200
    assert application.get_json()["cover_letter"] == "Hello from Cara."
    job = client.get(f"/api/v1/jobs/{data['job'].id}")
    assert job.status_code == 200 and job.get_json()["title"] == "Backend Engineer"
    login = client.post(
        "/api/v1/auth/login", json={"email": "cara@example.com", "password": DEFAULT_PASSWORD}
    )
    assert login.status_code == 200  # password hashes came back too
    # Sequences came back with the rows: a new row does not collide with a restored one.
    newcomer = client.post(
        "/api/v1/auth/register",
        json={
            "email": "newcomer@example.com",
            "password": "Quiet-Harbor-Lamp-77",
            "full_name": "New Comer",
            "role": "candidate",
        },
    )
    assert newcomer.status_code == 201, newcomer.get_json()
    assert newcomer.get_json()["id"] > max(u.id for u in (data["admin"], data["candidate"]))


@postgres_only
def test_restore_refuses_a_database_with_tables_unless_forced(app, data, fresh_app, tmp_path):
    backup = _create(app, tmp_path / "backups")
    restored = fresh_app()
    assert _invoke(restored, "restore", str(backup)).exit_code == 0
    with restored.app_context(), db.engine.begin() as connection:
        connection.execute(sa.text("UPDATE jobs SET title = 'Changed after the restore'"))
    before = _every_row(restored)

    refused = _invoke(restored, "restore", str(backup))
    assert refused.exit_code == 1
    assert "not empty" in refused.output and "--force" in refused.output
    assert _every_row(restored) == before

    forced = _invoke(restored, "restore", "--force", str(backup))
    assert forced.exit_code == 0, forced.output
    assert _every_row(restored) == _every_row(app)


@postgres_only
def test_a_tampered_backup_is_refused_before_anything_changes(app, data, fresh_app, tmp_path):
    backup = _create(app, tmp_path / "backups")
    assert _invoke(app, "verify", str(backup)).exit_code == 0
    stored = backup / "files" / data["key"]
    tampered = bytearray(stored.read_bytes())
    tampered[len(tampered) // 2] ^= 0x01  # one bit flipped, as a failing disk would
    stored.write_bytes(bytes(tampered))

    verify = _invoke(app, "verify", str(backup))
    assert verify.exit_code == 1 and "checksum mismatch" in verify.output
    restored = fresh_app()
    refused = _invoke(restored, "restore", str(backup))
    assert refused.exit_code == 1 and "fails verification" in refused.output
    with restored.app_context(), db.engine.connect() as connection:
        assert sa.inspect(connection).get_table_names() == []
    assert not Path(restored.config["UPLOAD_DIR"]).exists()


@postgres_only
def test_a_file_missing_from_storage_is_reported_and_the_rest_backed_up(
    app, data, upload_dir, tmp_path, fresh_app
):
    (upload_dir / data["key"]).unlink()
    result = _invoke(app, "create", "--output", str(tmp_path / "backups"))
    assert result.exit_code == 1
    assert "NOT BACKED UP" in result.output and "missing from storage" in result.output
    (backup,) = (tmp_path / "backups").iterdir()
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["files"] == [] and len(manifest["problems"]) == 1
    assert _invoke(app, "verify", str(backup)).exit_code == 0  # what it holds is intact
    restored = fresh_app()
    result = _invoke(restored, "restore", str(backup))
    assert result.exit_code == 0, result.output
    assert "Not in the backup" in result.output and "missing from storage" in result.output


@postgres_only
def test_s3_objects_are_backed_up_and_restored_to_another_backend(
    backend, fresh_app, s3_settings, tmp_path, make_user
):
    source = create_app(TestingConfig(backend.environ(STORAGE_BACKEND="s3", **s3_settings)))
    candidate = make_user(role="candidate")
    upload = source.test_client().post(
        "/api/v1/resumes",
        headers=_bearer(source, candidate),
        data={"file": (io.BytesIO(PDF), "cv.pdf", "application/pdf")},
        content_type="multipart/form-data",
    )
    assert upload.status_code == 201, upload.get_json()
    key = _storage_key(source, upload.get_json()["id"])
    assert s3_keys(s3_settings) == [key]

    backup = _create(source, tmp_path / "backups")
    assert (backup / "files" / key).read_bytes() == PDF
    restored = fresh_app()
    result = _invoke(restored, "restore", "--files-to", "local", str(backup))
    assert result.exit_code == 0, result.output
    download = restored.test_client().get(
        f"/api/v1/resumes/{upload.get_json()['id']}/file", headers=_bearer(restored, candidate)
    )
    assert download.status_code == 200 and download.data == PDF
    with restored.app_context(), db.engine.connect() as connection:
        backends = connection.execute(sa.text("SELECT storage_backend FROM resumes")).scalars()
        assert list(backends) == ["local"]
    with source.app_context():
        db.engine.dispose()


@pytest.mark.skipif(BACKEND_NAME == "postgres", reason="the SQLite run checks the refusal")
def test_backups_need_postgresql(runner, tmp_path):
    result = runner.invoke(args=["backup", "create", "--output", str(tmp_path / "backups")])
    assert result.exit_code == 1 and "needs PostgreSQL" in result.output
    assert not (tmp_path / "backups").exists()


@postgres_only
def test_a_resume_deleted_while_the_backup_runs_is_listed_not_failed(
    app, client, data, tmp_path, fresh_app
):
    candidate_headers = _bearer(app, data["candidate"])

    def delete_the_resume_after_the_snapshot(message: str) -> None:
        if message.startswith("Copying"):  # the dump is taken; the files are not yet copied
            deleted = client.delete(
                f"/api/v1/resumes/{data['resume']['id']}", headers=candidate_headers
            )
            assert deleted.status_code == 204

    with app.app_context():
        report = create_backup(
            output_dir=tmp_path / "backups", progress=delete_the_resume_after_the_snapshot
        )
    assert report.problems == []
    assert [entry.key for entry in report.manifest.deleted_meanwhile] == [data["key"]]
    assert report.manifest.files == []
    restored = fresh_app()
    result = _invoke(restored, "restore", str(report.path))
    assert result.exit_code == 0, result.output
    assert "deleted while the backup ran" in result.output
