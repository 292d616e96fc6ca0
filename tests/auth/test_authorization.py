"""Authorization helpers other domains use: role_required, and refusal of disabled users."""

from __future__ import annotations

import pytest
from flask_smorest import Blueprint

from jobhub.db import db
from jobhub.extensions import api
from jobhub.security import current_user, role_required
from jobhub.users.models import User
from tests.support.api import bearer


@pytest.fixture
def guarded(app):
    blp = Blueprint("guarded", __name__)

    @blp.route("/employers")
    @role_required("employer", "admin")
    def employers_only():
        return {"id": current_user.id}

    api.register_blueprint(blp, url_prefix="/api/v1/guarded")
    return app.test_client()


def test_role_required_lets_the_named_roles_in(guarded, make_user, auth_headers):
    for role in ("employer", "admin"):
        user = make_user(role=role)
        response = guarded.get("/api/v1/guarded/employers", headers=auth_headers(user))
        assert response.status_code == 200 and response.get_json() == {"id": user.id}


def test_role_required_refuses_other_roles_with_403(guarded, make_user, auth_headers):
    response = guarded.get("/api/v1/guarded/employers", headers=auth_headers(make_user()))
    assert response.status_code == 403 and response.get_json()["error"] == "forbidden"
    assert guarded.get("/api/v1/guarded/employers").status_code == 401


def test_role_required_needs_a_role():
    with pytest.raises(ValueError, match="at least one role"):
        role_required()


def test_a_user_disabled_by_an_admin_is_refused_on_the_next_request(app, client, make_user, login):
    user = make_user(email="alice@example.com")
    pair = login("alice@example.com")
    assert client.get("/api/v1/users/me", headers=bearer(pair["access_token"])).status_code == 200
    with app.app_context():
        db.session.get(User, user.id).is_active = False
        db.session.commit()
    for method, url in (("GET", "/api/v1/users/me"), ("GET", "/api/v1/auth/sessions")):
        response = client.open(url, method=method, headers=bearer(pair["access_token"]))
        assert response.status_code == 403
        assert response.get_json()["error"] == "account_disabled"
