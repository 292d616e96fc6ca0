"""PATCH /admin/users/{id}: activate, deactivate (every session ends), verify; audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from jobhub.audit.models import AuditEntry
from jobhub.db import db
from tests.support.api import bearer


def _actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_deactivating_ends_every_session_at_once(app, api, client, admin, candidate):
    pairs = [api.login(candidate.email) for _ in range(2)]
    for pair in pairs:
        assert (
            client.get("/api/v1/auth/me", headers=bearer(pair["access_token"])).status_code == 200
        )
    body = api("PATCH", admin, f"/admin/users/{candidate.id}", json={"is_active": False})
    assert body["is_active"] is False
    for pair in pairs:
        me = client.get("/api/v1/auth/me", headers=bearer(pair["access_token"]))
        assert me.status_code in (401, 403), me.get_json()
        refreshed = client.post("/api/v1/auth/refresh", headers=bearer(pair["refresh_token"]))
        assert refreshed.status_code in (401, 403), refreshed.get_json()
    assert _actions(app) == ["user.deactivated"]
    # Reactivated, the old sessions stay ended: a fresh login is needed.
    api("PATCH", admin, f"/admin/users/{candidate.id}", json={"is_active": True})
    stale = client.post("/api/v1/auth/refresh", headers=bearer(pairs[0]["refresh_token"]))
    assert stale.status_code == 401
    assert api.login(candidate.email)["access_token"]
    assert _actions(app) == ["user.deactivated", "user.activated"]


def test_verify_and_unchanged_values(app, api, admin, candidate):
    body = api("PATCH", admin, f"/admin/users/{candidate.id}", json={"email_verified": True})
    assert body["email_verified"] is True
    api("PATCH", admin, f"/admin/users/{candidate.id}", json={"email_verified": True})
    api("PATCH", admin, f"/admin/users/{candidate.id}", json={"is_active": True})
    assert _actions(app) == ["user.verified"]  # only real changes are recorded


@pytest.mark.parametrize(
    ("body", "status"),
    [({}, 422), ({"is_active": "nope"}, 422), ({"role": "admin"}, 422), ({"is_active": None}, 422)],
)
def test_bad_bodies(api, admin, candidate, body, status):
    assert api.patch(admin, f"/admin/users/{candidate.id}", json=body).status_code == status


def test_refusals(app, api, admin, candidate, employer):
    assert (
        api.patch(employer, f"/admin/users/{candidate.id}", json={"is_active": False}).status_code
        == 403
    )
    assert (
        api.patch(admin, f"/admin/users/{admin.id}", json={"is_active": False}).status_code == 403
    )
    assert api.patch(admin, f"/admin/users/{2**40}", json={"is_active": False}).status_code == 404
    assert api.patch(admin, "/admin/users/999999", json={"is_active": False}).status_code == 404
    assert _actions(app) == []
