"""GET /users/{id} and GET /users: who may see whom, filters, and no N+1."""

from __future__ import annotations

import json

import pytest

from jobhub import signals
from jobhub.db import utcnow


def test_admin_reads_any_user(client, make_user, auth_headers):
    admin = make_user(role="admin")
    alice = make_user(email="alice@example.com")
    response = client.get(f"/api/v1/users/{alice.id}", headers=auth_headers(admin))
    assert response.status_code == 200
    assert response.get_json()["email"] == "alice@example.com"


def test_users_read_themselves(client, make_user, auth_headers):
    alice = make_user()
    response = client.get(f"/api/v1/users/{alice.id}", headers=auth_headers(alice))
    assert response.status_code == 200 and response.get_json()["id"] == alice.id


@pytest.mark.parametrize("role", ["candidate", "employer"])
def test_others_get_404_as_if_the_user_did_not_exist(client, make_user, auth_headers, role):
    caller = make_user(role=role)
    alice = make_user()
    hidden = client.get(f"/api/v1/users/{alice.id}", headers=auth_headers(caller))
    missing = client.get("/api/v1/users/999999", headers=auth_headers(caller))
    assert hidden.status_code == missing.status_code == 404
    assert hidden.get_json()["message"] == missing.get_json()["message"]


def test_another_domain_can_grant_access_through_the_signal(client, make_user, auth_headers):
    employer = make_user(role="employer")
    applicant = make_user()
    stranger = make_user()

    def applied_to_employer(sender, *, actor, user):
        return actor.id == employer.id and user.id == applicant.id

    with signals.user_profile_access.connected_to(applied_to_employer):
        granted = client.get(f"/api/v1/users/{applicant.id}", headers=auth_headers(employer))
        refused = client.get(f"/api/v1/users/{stranger.id}", headers=auth_headers(employer))
    assert granted.status_code == 200 and refused.status_code == 404
    after = client.get(f"/api/v1/users/{applicant.id}", headers=auth_headers(employer))
    assert after.status_code == 404


def test_deleted_users_are_visible_to_admins_only(client, make_user, auth_headers):
    admin = make_user(role="admin")
    gone = make_user(deleted_at=utcnow(), is_active=False)
    assert client.get(f"/api/v1/users/{gone.id}", headers=auth_headers(admin)).status_code == 200


class TestList:
    URL = "/api/v1/users"

    def test_admin_lists_newest_first_with_pagination(self, client, make_user, auth_headers):
        admin = make_user(role="admin")
        users = [make_user() for _ in range(3)]
        response = client.get(f"{self.URL}?page_size=2", headers=auth_headers(admin))
        assert response.status_code == 200
        assert [u["id"] for u in response.get_json()] == [users[2].id, users[1].id]
        meta = json.loads(response.headers["X-Pagination"])
        assert meta["total"] == 4 and meta["total_pages"] == 2 and meta["next_page"] == 2

    def test_filters(self, client, make_user, auth_headers):
        admin = make_user(role="admin", email="root@example.com")
        make_user(role="employer", email="erin@acme.example", full_name="Erin Walsh")
        make_user(role="employer", email="off@acme.example", is_active=False)
        make_user(email="alice@example.com", full_name="Alice Moreau")
        make_user(email="gone@example.com", deleted_at=utcnow())
        h = auth_headers(admin)

        def emails(query: str) -> set[str]:
            response = client.get(f"{self.URL}?{query}", headers=h)
            assert response.status_code == 200, response.get_json()
            return {u["email"] for u in response.get_json()}

        assert emails("role=employer") == {"erin@acme.example", "off@acme.example"}
        assert emails("role=employer&is_active=false") == {"off@acme.example"}
        assert emails("q=MOREAU") == {"alice@example.com"}
        assert emails("q=acme") == {"erin@acme.example", "off@acme.example"}
        assert emails("q=%25") == set()  # a literal %, not a wildcard
        assert "gone@example.com" not in emails("")
        assert "gone@example.com" in emails("include_deleted=true")

    @pytest.mark.parametrize(
        "query", ["role=superuser", "is_active=maybe", "page_size=101", "page=0"]
    )
    def test_bad_filters_are_422(self, client, make_user, auth_headers, query):
        admin = make_user(role="admin")
        assert client.get(f"{self.URL}?{query}", headers=auth_headers(admin)).status_code == 422

    @pytest.mark.parametrize("role", ["candidate", "employer"])
    def test_non_admins_are_403(self, client, make_user, auth_headers, role):
        caller = make_user(role=role)
        response = client.get(self.URL, headers=auth_headers(caller))
        assert response.status_code == 403 and response.get_json()["error"] == "forbidden"

    def test_query_count_does_not_grow_with_the_page(
        self, client, make_user, auth_headers, count_queries
    ):
        admin = make_user(role="admin")
        headers = auth_headers(admin)
        make_user()
        with count_queries() as few:
            assert len(client.get(self.URL, headers=headers).get_json()) == 2
        for _ in range(20):
            make_user()
        with count_queries() as many:
            assert len(client.get(self.URL, headers=headers).get_json()) == 20
        assert len(few) == len(many) <= 4, many
