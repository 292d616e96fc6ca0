"""The ``account`` export: everything JobHub holds about the caller, in one ZIP."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

from tests.exports.conftest import export
from tests.factories import DEFAULT_PASSWORD

EXPECTED_FILES = {
    "profile.json",
    "settings.json",
    "applications.json",
    "interviews.json",
    "notifications.json",
    "saved_searches.json",
    "sessions.json",
    "resumes.json",
}


def test_the_account_zip_holds_every_part_with_a_manifest_of_checksums(make, api, board, login):
    candidate = board.candidate
    login(candidate.email, DEFAULT_PASSWORD)  # a session to find in sessions.json
    resume = make("resume", user=candidate, data=b"Chloe's resume\nPython, SQL\n")
    make("saved_search", user=candidate, name="Remote Python", skills=["python"])
    make("notification", user=candidate, title="Ping")
    make("interview", application=board.applications[0], organizer=board.employer)
    api("PUT", candidate, "/notifications/preferences", json={"job.match": {"email": True}})

    body, data = export(api, candidate, resource="account", format="zip")
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = set(archive.namelist())
    resume_entry = f"resumes/{resume.id}-{resume.download_name}"
    assert names == EXPECTED_FILES | {resume_entry, "manifest.json"}

    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["schema_version"] == 1 and manifest["user_id"] == candidate.id
    assert set(manifest["files"]) == names - {"manifest.json"}
    for name, entry in manifest["files"].items():
        content = archive.read(name)
        assert entry["sha256"] == hashlib.sha256(content).hexdigest(), name
        assert entry["size_bytes"] == len(content), name
        if name.endswith(".json") and isinstance(json.loads(content), list):
            assert entry["rows"] == len(json.loads(content)), name

    profile = json.loads(archive.read("profile.json"))
    assert profile["email"] == "chloe@example.com" and profile["full_name"] == "Chloé Dubois"
    assert "password_hash" not in profile
    settings = json.loads(archive.read("settings.json"))
    assert settings["notification_preferences"]["job.match"] == {"in_app": True, "email": True}

    applications = json.loads(archive.read("applications.json"))
    assert sorted(a["id"] for a in applications) == sorted(a.id for a in board.applications[:2])
    screening = next(a for a in applications if a["id"] == board.applications[0].id)
    assert [m["to_status"] for m in screening["history"]] == ["applied", "screening"]
    assert all(m["at"].endswith("Z") for m in screening["history"])

    interviews = json.loads(archive.read("interviews.json"))
    assert [i["application_id"] for i in interviews] == [board.applications[0].id]
    assert [n["title"] for n in json.loads(archive.read("notifications.json"))] == ["Ping"]
    assert [s["name"] for s in json.loads(archive.read("saved_searches.json"))] == ["Remote Python"]
    sessions = json.loads(archive.read("sessions.json"))
    assert len(sessions) == 1 and "refresh_jti" not in sessions[0]
    assert [r["id"] for r in json.loads(archive.read("resumes.json"))] == [resume.id]
    assert archive.read(resume_entry) == b"Chloe's resume\nPython, SQL\n"
    assert body["rows"] == sum(e.get("rows", 0) for e in manifest["files"].values())


def test_an_account_export_shows_nothing_of_other_people(api, board):
    _, data = export(api, board.other, resource="account", format="zip")
    archive = zipfile.ZipFile(io.BytesIO(data))
    applications = json.loads(archive.read("applications.json"))
    assert [a["id"] for a in applications] == [board.applications[2].id]
    assert b"chloe@example.com" not in b"".join(archive.read(n) for n in archive.namelist())
