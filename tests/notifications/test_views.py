"""The REST endpoints of SPEC §6, own notifications only."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from jobhub.db import utcnow
from jobhub.notifications.models import NOTIFICATION_TYPES

BASE = "/api/v1/notifications"


@pytest.fixture
def alice(make_user):
    return make_user(full_name="Alice Moreau")


@pytest.fixture
def bob(make_user):
    return make_user(full_name="Bilal Haddad")


def test_every_endpoint_needs_a_token(client):
    for method, path in [
        ("get", BASE),
        ("get", f"{BASE}/unread-count"),
        ("post", f"{BASE}/1/read"),
        ("post", f"{BASE}/1/unread"),
        ("post", f"{BASE}/read-all"),
        ("delete", f"{BASE}/1"),
        ("post", f"{BASE}/bulk-delete"),
        ("get", f"{BASE}/preferences"),
        ("put", f"{BASE}/preferences"),
    ]:
        response = getattr(client, method)(path)
        assert response.status_code == 401, (method, path)
        assert response.json["error"] == "unauthorized"


def test_list_is_own_only_newest_first_and_paginated(
    client, alice, bob, add_notifications, auth_headers
):
    mine = add_notifications(alice, 3)
    add_notifications(bob, 2)
    response = client.get(BASE, headers=auth_headers(alice), query_string={"page_size": 2})
    assert response.status_code == 200
    assert [item["id"] for item in response.json] == [mine[2], mine[1]]
    pagination = json.loads(response.headers["X-Pagination"])
    assert pagination["total"] == 3 and pagination["total_pages"] == 2
    assert pagination["next_page"] == 2
    second = client.get(BASE, headers=auth_headers(alice), query_string={"page": 2, "page_size": 2})
    assert [item["id"] for item in second.json] == [mine[0]]
    item = second.json[0]
    assert set(item) == {"id", "type", "title", "body", "data", "read", "read_at", "created_at"}
    assert item["created_at"].endswith("Z")


def test_list_filters_unread_and_type(client, alice, add_notifications, auth_headers):
    read = add_notifications(alice, 1, type="job.match", read_at=utcnow())
    unread_match = add_notifications(alice, 1, type="job.match")
    unread_interview = add_notifications(alice, 1, type="interview.scheduled")
    headers = auth_headers(alice)

    def ids(**query) -> list[int]:
        response = client.get(BASE, headers=headers, query_string=query)
        assert response.status_code == 200, response.json
        return [item["id"] for item in response.json]

    assert ids(unread="true") == unread_interview + unread_match
    assert ids(unread="false") == read
    assert ids(type="job.match") == unread_match + read
    assert ids(type="job.match", unread="true") == unread_match
    assert ids() == unread_interview + unread_match + read


def test_list_refuses_unknown_filters(client, alice, auth_headers):
    headers = auth_headers(alice)
    response = client.get(BASE, headers=headers, query_string={"type": "job.exploded"})
    assert response.status_code == 422
    assert "type" in response.json["errors"]["query"]
    assert client.get(BASE, headers=headers, query_string={"page_size": 101}).status_code == 422


def test_list_query_count_does_not_grow_with_page_size(
    client, alice, add_notifications, auth_headers, count_queries
):
    add_notifications(alice, 60)
    headers = auth_headers(alice)
    counts, listing = [], []
    for size in (5, 60):
        with count_queries() as queries:
            response = client.get(BASE, headers=headers, query_string={"page_size": size})
        assert len(response.json) == size
        assert json.loads(response.headers["X-Pagination"])["total"] == 60
        counts.append(len(queries))
        listing.append([q for q in queries if "FROM notifications" in q])
    assert counts[0] == counts[1]
    assert counts[0] <= 3  # the caller (and its revocation check), then page and count
    # The page and its count are one statement.
    assert [len(statements) for statements in listing] == [1, 1]


def test_a_page_past_the_last_still_has_the_total(
    client, alice, add_notifications, auth_headers, count_queries
):
    add_notifications(alice, 3)
    headers = auth_headers(alice)
    with count_queries() as queries:
        response = client.get(BASE, headers=headers, query_string={"page": 3, "page_size": 2})
    assert response.status_code == 200 and response.json == []
    assert json.loads(response.headers["X-Pagination"])["total"] == 3
    assert len([q for q in queries if "FROM notifications" in q]) == 2  # the page, the count
    empty = client.get(BASE, headers=headers, query_string={"type": "interview.scheduled"})
    assert empty.json == [] and json.loads(empty.headers["X-Pagination"])["total"] == 0


def test_unread_count(client, alice, bob, add_notifications, auth_headers):
    add_notifications(alice, 2)
    add_notifications(alice, 1, read_at=utcnow())
    add_notifications(bob, 4)
    response = client.get(f"{BASE}/unread-count", headers=auth_headers(alice))
    assert response.status_code == 200 and response.json == {"count": 2}


def test_read_and_unread(client, alice, add_notifications, auth_headers):
    (notification_id,) = add_notifications(alice)
    headers = auth_headers(alice)
    read = client.post(f"{BASE}/{notification_id}/read", headers=headers)
    assert read.status_code == 200
    assert read.json["id"] == notification_id and read.json["read"] is True
    assert read.json["read_at"].endswith("Z")
    again = client.post(f"{BASE}/{notification_id}/read", headers=headers)
    assert again.json["read_at"] == read.json["read_at"]  # idempotent: the first time stays
    assert client.get(f"{BASE}/unread-count", headers=headers).json == {"count": 0}
    unread = client.post(f"{BASE}/{notification_id}/unread", headers=headers)
    assert unread.status_code == 200
    assert unread.json["read"] is False and unread.json["read_at"] is None
    assert client.get(f"{BASE}/unread-count", headers=headers).json == {"count": 1}


def test_another_users_notification_is_not_found(
    client, alice, bob, add_notifications, auth_headers
):
    (theirs,) = add_notifications(bob)
    headers = auth_headers(alice)
    for method, path in [
        ("post", f"{BASE}/{theirs}/read"),
        ("post", f"{BASE}/{theirs}/unread"),
        ("delete", f"{BASE}/{theirs}"),
        ("post", f"{BASE}/{theirs + 1000}/read"),
    ]:
        response = getattr(client, method)(path, headers=headers)
        assert response.status_code == 404, (method, path)
        assert response.json["error"] == "not_found"
    owner = auth_headers(bob)
    assert client.get(f"{BASE}/unread-count", headers=owner).json == {"count": 1}
    assert [item["id"] for item in client.get(BASE, headers=owner).json] == [theirs]


def test_read_all_touches_only_mine(client, alice, bob, add_notifications, auth_headers):
    add_notifications(alice, 3)
    add_notifications(alice, 1, read_at=utcnow() - timedelta(days=1))
    add_notifications(bob, 2)
    response = client.post(f"{BASE}/read-all", headers=auth_headers(alice))
    assert response.status_code == 200 and response.json == {"updated": 3}
    assert client.get(f"{BASE}/unread-count", headers=auth_headers(alice)).json == {"count": 0}
    assert client.get(f"{BASE}/unread-count", headers=auth_headers(bob)).json == {"count": 2}
    assert client.post(f"{BASE}/read-all", headers=auth_headers(alice)).json == {"updated": 0}


def test_delete(client, alice, add_notifications, auth_headers):
    first, second = add_notifications(alice, 2)
    headers = auth_headers(alice)
    response = client.delete(f"{BASE}/{first}", headers=headers)
    assert response.status_code == 204 and response.data == b""
    assert [item["id"] for item in client.get(BASE, headers=headers).json] == [second]
    assert client.delete(f"{BASE}/{first}", headers=headers).status_code == 404


def test_bulk_delete_deletes_only_mine(client, alice, bob, add_notifications, auth_headers):
    mine = add_notifications(alice, 3)
    theirs = add_notifications(bob, 2)
    response = client.post(
        f"{BASE}/bulk-delete",
        headers=auth_headers(alice),
        json={"ids": [mine[0], mine[2], *theirs]},
    )
    assert response.status_code == 200 and response.json == {"deleted": 2}
    assert [item["id"] for item in client.get(BASE, headers=auth_headers(alice)).json] == [mine[1]]
    assert len(client.get(BASE, headers=auth_headers(bob)).json) == 2


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"ids": []},
        {"ids": ["1"]},
        {"ids": [0]},
        {"ids": list(range(1, 102))},
        {"ids": [1], "x": 1},
    ],
)
def test_bulk_delete_validates(client, alice, add_notifications, auth_headers, payload):
    add_notifications(alice)
    response = client.post(f"{BASE}/bulk-delete", headers=auth_headers(alice), json=payload)
    assert response.status_code == 422
    assert response.json["error"] == "validation_error"
    assert client.get(f"{BASE}/unread-count", headers=auth_headers(alice)).json == {"count": 1}


def test_preferences_default_to_every_type(client, alice, auth_headers):
    response = client.get(f"{BASE}/preferences", headers=auth_headers(alice))
    assert response.status_code == 200
    assert set(response.json) == set(NOTIFICATION_TYPES)
    assert response.json["application.status_changed"] == {"in_app": True, "email": True}
    assert response.json["job.match"] == {"in_app": True, "email": False}


def test_put_preferences_changes_only_what_it_names(client, alice, bob, auth_headers):
    headers = auth_headers(alice)
    response = client.put(
        f"{BASE}/preferences",
        headers=headers,
        json={"job.match": {"email": True}, "resume.analyzed": {"in_app": False, "email": True}},
    )
    assert response.status_code == 200
    assert response.json["job.match"] == {"in_app": True, "email": True}
    assert response.json["resume.analyzed"] == {"in_app": False, "email": True}
    assert response.json["interview.scheduled"] == {"in_app": True, "email": True}
    second = client.put(
        f"{BASE}/preferences", headers=headers, json={"job.match": {"in_app": False}}
    )
    assert second.json["job.match"] == {"in_app": False, "email": True}
    stored = client.get(f"{BASE}/preferences", headers=headers).json
    assert stored == second.json
    assert client.get(f"{BASE}/preferences", headers=auth_headers(bob)).json["job.match"] == {
        "in_app": True,
        "email": False,
    }


@pytest.mark.parametrize(
    "payload",
    [
        {"job.exploded": {"email": True}},
        {"job.match": {"email": "yes"}},
        {"job.match": {"email": 1}},
        {"job.match": {"sms": True}},
        {"job.match": True},
    ],
)
def test_put_preferences_validates(client, alice, auth_headers, payload):
    headers = auth_headers(alice)
    response = client.put(f"{BASE}/preferences", headers=headers, json=payload)
    assert response.status_code == 422, response.json
    assert response.json["error"] == "validation_error"
    stored = client.get(f"{BASE}/preferences", headers=headers).json
    assert stored["job.match"] == {"in_app": True, "email": False}


def test_the_compiled_dump_writes_what_marshmallow_writes(app, alice, add_notifications):
    import marshmallow as ma
    from sqlalchemy import select

    from jobhub.db import db
    from jobhub.notifications.models import Notification
    from jobhub.notifications.schemas import NotificationSchema

    add_notifications(alice, 1, data={"job_id": 7, "nested": {"ça": [1, None]}})
    add_notifications(alice, 1, data={}, read_at=utcnow(), title="Zürich 😀")
    with app.app_context():
        rows = db.session.scalars(select(Notification)).all()
        schema = NotificationSchema(many=True)
        dumped = schema.dump(rows)
        assert dumped == ma.Schema.dump(schema, rows)
        assert [type(item["data"]) for item in dumped] == [dict, dict]
        assert {item["read"] for item in dumped} == {True, False}
