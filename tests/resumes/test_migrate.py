"""`flask storage migrate`: every file moved and verified, resumable after an interruption."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from jobhub.db import db
from jobhub.resumes.models import Resume
from jobhub.storage.local import LocalStorage
from jobhub.storage.s3 import S3Storage
from tests.resumes.conftest import UPLOAD_URL, s3_client, s3_keys, stored_files
from tests.support.documents import RESUME_LINES, docx_bytes, pdf_bytes

FILES = [
    (pdf_bytes(RESUME_LINES), "a.pdf"),
    (docx_bytes(RESUME_LINES), "b.docx"),
    ("\n".join(RESUME_LINES).encode(), "c.txt"),
    (pdf_bytes([*RESUME_LINES, "Kotlin"]), "d.pdf"),
]


@pytest.fixture
def app_environ(backend, upload_dir, s3_settings):
    return backend.environ(UPLOAD_DIR=str(upload_dir), **s3_settings)


@pytest.fixture
def resumes(upload, candidate) -> list[dict]:
    """Four resumes on the local backend (the configured default)."""
    created = []
    for data, name in FILES:
        response = upload(candidate, data, name)
        assert response.status_code == 201
        created.append(response.get_json())
    return created


def backends(app) -> dict[int, tuple[str, str | None]]:
    with app.app_context():
        rows = db.session.execute(
            select(Resume.id, Resume.storage_backend, Resume.stale_storage_backend)
        ).all()
        return {row.id: (row.storage_backend, row.stale_storage_backend) for row in rows}


def s3_bytes(settings, key: str) -> bytes:
    return s3_client(settings).get_object(Bucket=settings["S3_BUCKET"], Key=key)["Body"].read()


def migrate(runner, target: str):
    return runner.invoke(args=["storage", "migrate", "--to", target, "--batch-size", "2"])


def test_files_move_to_s3_and_back(
    app, runner, client, auth_headers, candidate, resumes, upload_dir, s3_settings
):
    result = migrate(runner, "s3")
    assert result.exit_code == 0, result.output
    assert "Moved 4 file(s) to s3; 0 already there" in result.output
    assert stored_files(upload_dir) == []
    assert {backend for backend, _ in backends(app).values()} == {"s3"}
    with app.app_context():
        keys = {r.storage_key: r.sha256 for r in db.session.scalars(select(Resume))}
    assert sorted(keys) == s3_keys(s3_settings)
    for key, sha in keys.items():
        assert hashlib.sha256(s3_bytes(s3_settings, key)).hexdigest() == sha
    for resume, (data, _) in zip(resumes, FILES, strict=True):  # reads follow the row
        url = f"{UPLOAD_URL}/{resume['id']}/file"
        assert client.get(url, headers=auth_headers(candidate)).data == data

    again = migrate(runner, "s3")
    assert again.exit_code == 0
    assert "Moved 0 file(s) to s3; 4 already there" in again.output

    back = migrate(runner, "local")
    assert back.exit_code == 0, back.output
    assert "Moved 4 file(s) to local" in back.output
    assert s3_keys(s3_settings) == []
    assert len(stored_files(upload_dir)) == 4
    assert set(backends(app).values()) == {("local", None)}


def test_an_interrupted_migration_resumes(
    app, runner, resumes, upload_dir, s3_settings, monkeypatch
):
    real_save = S3Storage.save
    saved: list[str] = []

    def power_cut_on_the_third(storage, key, *args, **kwargs):
        if len(saved) == 2:
            raise RuntimeError("power cut")
        saved.append(key)
        return real_save(storage, key, *args, **kwargs)

    monkeypatch.setattr(S3Storage, "save", power_cut_on_the_third)
    crashed = migrate(runner, "s3")
    assert crashed.exit_code != 0
    assert isinstance(crashed.exception, RuntimeError)
    state = backends(app)
    assert sorted(backend for backend, _ in state.values()) == ["local", "local", "s3", "s3"]
    assert len(s3_keys(s3_settings)) == 2 and len(stored_files(upload_dir)) == 2

    monkeypatch.setattr(S3Storage, "save", real_save)
    resumed = migrate(runner, "s3")
    assert resumed.exit_code == 0, resumed.output
    assert "Moved 2 file(s) to s3; 2 already there" in resumed.output
    assert set(backends(app).values()) == {("s3", None)}
    assert len(s3_keys(s3_settings)) == 4 and stored_files(upload_dir) == []


def test_old_copies_left_by_an_interruption_are_removed_on_the_next_run(
    app, runner, resumes, upload_dir, s3_settings, monkeypatch
):
    real_delete = LocalStorage.delete

    def crash_before_deleting(storage, key):
        raise KeyboardInterrupt  # killed right after the row was switched

    monkeypatch.setattr(LocalStorage, "delete", crash_before_deleting)
    interrupted = migrate(runner, "s3")
    assert interrupted.exit_code == 1 and "Aborted!" in interrupted.output  # click's Ctrl-C
    state = backends(app)
    assert sorted(state.values()) == [("local", None)] * 3 + [("s3", "local")]
    assert len(stored_files(upload_dir)) == 4  # the moved file's old copy is still there

    monkeypatch.setattr(LocalStorage, "delete", real_delete)
    resumed = migrate(runner, "s3")
    assert resumed.exit_code == 0, resumed.output
    assert "1 leftover old copies removed" in resumed.output
    assert "Moved 3 file(s) to s3; 1 already there" in resumed.output
    assert stored_files(upload_dir) == []
    assert set(backends(app).values()) == {("s3", None)}


def test_damaged_and_missing_files_are_reported_and_left_in_place(
    app, runner, resumes, upload_dir, s3_settings
):
    with app.app_context():
        keys = {r.id: r.storage_key for r in db.session.scalars(select(Resume))}
    first, second = resumes[0]["id"], resumes[1]["id"]
    (upload_dir / keys[first]).write_bytes(b"tampered")
    (upload_dir / keys[second]).unlink()
    result = migrate(runner, "s3")
    assert result.exit_code == 1
    assert "Moved 2 file(s)" in result.output
    assert "1 missing, 1 failing their checksum, 0 failed" in result.output
    assert (
        f"resumes {first} ({keys[first]}): the local copy fails its sha256 check" in result.output
    )
    assert f"resumes {second} ({keys[second]}): missing from local" in result.output
    state = backends(app)
    assert state[first] == ("local", None) and state[second] == ("local", None)
    assert len(s3_keys(s3_settings)) == 2


def test_a_copy_that_fails_verification_is_not_switched(
    app, runner, resumes, s3_settings, monkeypatch
):
    monkeypatch.setattr(S3Storage, "checksum", lambda storage, key: "0" * 64)
    result = migrate(runner, "s3")
    assert result.exit_code == 1
    assert "4 failed" in result.output and "failed verification" in result.output
    assert {backend for backend, _ in backends(app).values()} == {"local"}
    assert s3_keys(s3_settings) == []


def test_status_counts_files_per_backend(runner, resumes):
    migrate(runner, "s3")
    result = runner.invoke(args=["storage", "status"])
    assert result.exit_code == 0
    assert result.output.strip() == "resumes: s3: 4; old copies to delete: 0"


def test_an_unconfigured_target_is_refused(app, runner, resumes):
    app.config["S3_BUCKET"] = None
    app.extensions.pop("jobhub_storage", None)
    result = migrate(runner, "s3")
    assert result.exit_code == 1
    assert "S3_BUCKET is not configured" in result.output
    assert {backend for backend, _ in backends(app).values()} == {"local"}
