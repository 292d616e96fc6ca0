"""Downloading a resume's file: who may, and what the response looks like."""

from __future__ import annotations

import pytest

from jobhub import signals
from tests.resumes.conftest import UPLOAD_URL, stored_files
from tests.support.documents import RESUME_LINES, pdf_bytes

PDF = pdf_bytes(RESUME_LINES)


@pytest.fixture
def resume(upload, candidate) -> dict:
    response = upload(candidate, PDF, "Zoë CV (final).pdf", "application/pdf")
    assert response.status_code == 201
    return response.get_json()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("owner", 200),
        ("other candidate", 404),
        ("employer", 404),
        ("admin", 200),
        ("anonymous", 401),
    ],
)
def test_download_matrix(client, auth_headers, candidate, make_user, resume, who, status):
    headers = {
        "owner": lambda: auth_headers(candidate),
        "other candidate": lambda: auth_headers(make_user(role="candidate")),
        "employer": lambda: auth_headers(make_user(role="employer")),
        "admin": lambda: auth_headers(make_user(role="admin")),
        "anonymous": dict,
    }[who]()
    response = client.get(f"{UPLOAD_URL}/{resume['id']}/file", headers=headers)
    assert response.status_code == status
    if status == 200:
        assert response.data == PDF
    else:
        assert response.get_json()["error"] == ("unauthorized" if status == 401 else "not_found")


def test_the_file_is_an_attachment_with_safe_names(client, auth_headers, candidate, resume):
    response = client.get(f"{UPLOAD_URL}/{resume['id']}/file", headers=auth_headers(candidate))
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="Zoe_CV_final.pdf"; '
        "filename*=UTF-8''Zo%C3%AB%20CV%20%28final%29.pdf"
    )
    assert response.headers["Content-Length"] == str(len(PDF))
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["ETag"] == f'"{resume["sha256"]}"'


def test_a_text_resume_keeps_its_charset(client, auth_headers, candidate, upload):
    text = "Développeuse Python\n".encode("utf-16")
    created = upload(candidate, text * 5, "cv.txt", "text/plain").get_json()
    response = client.get(f"{UPLOAD_URL}/{created['id']}/file", headers=auth_headers(candidate))
    assert response.headers["Content-Type"] == "text/plain; charset=utf-16"
    assert response.data == text * 5


def test_other_domains_can_grant_access(client, auth_headers, make_user, resume):
    employer = make_user(role="employer")
    url = f"{UPLOAD_URL}/{resume['id']}/file"
    assert client.get(url, headers=auth_headers(employer)).status_code == 404
    seen = []

    def sent_to_employer(_sender, *, actor, resume) -> bool:
        seen.append((actor.id, resume.id))
        return actor.id == employer.id

    with signals.resume_file_access.connected_to(sent_to_employer):
        assert client.get(url, headers=auth_headers(employer)).status_code == 200
        other = make_user(role="employer")
        assert client.get(url, headers=auth_headers(other)).status_code == 404
    assert seen == [(employer.id, resume["id"]), (other.id, resume["id"])]
    assert client.get(url, headers=auth_headers(employer)).status_code == 404


def test_a_deleted_resume_is_gone_for_everyone(client, auth_headers, candidate, make_user, resume):
    client.delete(f"{UPLOAD_URL}/{resume['id']}", headers=auth_headers(candidate))
    admin = make_user(role="admin")
    response = client.get(f"{UPLOAD_URL}/{resume['id']}/file", headers=auth_headers(admin))
    assert response.status_code == 404


def test_a_missing_stored_file_is_a_404(client, auth_headers, candidate, resume, upload_dir):
    for path in stored_files(upload_dir):
        path.unlink()
    response = client.get(f"{UPLOAD_URL}/{resume['id']}/file", headers=auth_headers(candidate))
    assert response.status_code == 404
    assert response.get_json()["message"] == "The file of this resume is no longer available."


def test_unavailable_storage_is_a_503(client, auth_headers, candidate, resume, monkeypatch):
    from jobhub.storage import StorageUnavailable
    from jobhub.storage.local import LocalStorage

    def unavailable(*_args, **_kwargs):
        raise StorageUnavailable("the disk went away")

    monkeypatch.setattr(LocalStorage, "open", unavailable)
    response = client.get(f"{UPLOAD_URL}/{resume['id']}/file", headers=auth_headers(candidate))
    assert response.status_code == 503
    assert response.get_json()["error"] == "service_unavailable"
