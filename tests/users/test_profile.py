"""GET/PATCH /users/me: the caller's profile, and nothing privileged can be set."""

from __future__ import annotations

import pytest

from jobhub.db import db
from jobhub.users.models import Role, User

URL = "/api/v1/users/me"


def test_reads_the_callers_profile_without_the_hash(client, make_user, auth_headers):
    user = make_user(email="alice@example.com", headline="Backend engineer")
    response = client.get(URL, headers=auth_headers(user))
    assert response.status_code == 200
    body = response.get_json()
    assert body["id"] == user.id and body["headline"] == "Backend engineer"
    assert body["skills"] == [] and body["links"] == {} and body["open_to_work"] is False
    assert "password_hash" not in body and "$argon2" not in response.get_data(as_text=True)


def test_candidate_updates_the_profile_with_normalised_skills(app, client, make_user, auth_headers):
    user = make_user()
    changes = {
        "full_name": "  Alice   Moreau ",
        "headline": "Backend engineer",
        "location": "Lyon, France",
        "bio": "Eight years of Python.",
        "skills": ["Python", "postgres", "JS", "python", "Some Niche Tool"],
        "years_experience": 8,
        "desired_roles": ["Backend engineer", " Backend  engineer ", "SRE"],
        "open_to_work": True,
        "links": {"github": "https://github.com/alice"},
    }
    response = client.patch(URL, json=changes, headers=auth_headers(user))
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["full_name"] == "Alice Moreau"
    assert body["skills"] == ["python", "postgresql", "javascript", "some niche tool"]
    assert body["desired_roles"] == ["Backend engineer", "SRE"]
    assert body["years_experience"] == 8 and body["open_to_work"] is True
    with app.app_context():
        stored = db.session.get(User, user.id)
        assert stored.skills == body["skills"] and stored.links == changes["links"]


def test_null_clears_an_optional_field(client, make_user, auth_headers):
    user = make_user(headline="Old headline")
    response = client.patch(URL, json={"headline": None}, headers=auth_headers(user))
    assert response.status_code == 200 and response.get_json()["headline"] is None


@pytest.mark.parametrize(
    "field",
    [
        {"role": "admin"},
        {"is_active": False},
        {"email_verified": True},
        {"email": "x@example.com"},
        {"password_hash": "x"},
        {"id": 99},
    ],
)
def test_mass_assignment_is_refused_and_changes_nothing(
    app, client, make_user, auth_headers, field
):
    user = make_user(email="alice@example.com")
    body = {"headline": "Sneaky", **field}
    response = client.patch(URL, json=body, headers=auth_headers(user))
    assert response.status_code == 422
    assert next(iter(field)) in response.get_json()["errors"]["json"]
    with app.app_context():
        stored = db.session.get(User, user.id)
        assert stored.role == Role.CANDIDATE and stored.is_active and not stored.email_verified
        assert stored.email == "alice@example.com" and stored.headline is None


def test_employers_have_no_candidate_only_fields(client, make_user, auth_headers):
    user = make_user(role="employer")
    response = client.patch(
        URL, json={"skills": ["python"], "open_to_work": True}, headers=auth_headers(user)
    )
    assert response.status_code == 422
    assert set(response.get_json()["errors"]["json"]) == {"skills", "open_to_work"}
    ok = client.patch(URL, json={"headline": "Hiring manager"}, headers=auth_headers(user))
    assert ok.status_code == 200 and ok.get_json()["headline"] == "Hiring manager"


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"full_name": ""},
        {"full_name": "   "},
        {"years_experience": -1},
        {"years_experience": 71},
        {"skills": ["x"] * 51},
        {"skills": [""]},
        {"links": {"site": "javascript:alert(1)"}},
        {"links": {"site": "not a url"}},
        {"headline": "x" * 201},
        {"open_to_work": "perhaps"},
    ],
)
def test_invalid_changes_are_422(app, client, make_user, auth_headers, changes):
    user = make_user(full_name="Alice Moreau")
    response = client.patch(URL, json=changes, headers=auth_headers(user))
    assert response.status_code == 422, response.get_json()
    with app.app_context():
        assert db.session.get(User, user.id).full_name == "Alice Moreau"


def test_profile_needs_a_token(client):
    assert client.get(URL).status_code == 401
    assert client.patch(URL, json={"headline": "x"}).status_code == 401


def test_the_service_itself_never_writes_a_privileged_attribute(app, make_user):
    from jobhub.errors import ValidationError
    from jobhub.users.services import update_profile

    user = make_user()
    with app.app_context():
        stored = db.session.get(User, user.id)
        with pytest.raises(ValidationError) as refused:
            update_profile(user=stored, changes={"headline": "x", "role": Role.ADMIN})
        assert set(refused.value.errors["json"]) == {"role"}
        assert stored.role == Role.CANDIDATE and stored.headline is None
