"""Platform analytics (admins) and a company's public responsiveness."""

from __future__ import annotations

from datetime import timedelta

from jobhub.db import utcnow
from tests.analytics.conftest import at

MARCH = {"from": "2026-03-01", "to": "2026-03-31"}


def test_platform_counts(api, app, make, make_user, history):
    admin = make_user(role="admin", created_at=at(-24 * 60))
    owner = make_user(role="employer", created_at=at(10))
    candidates = [make_user(role="candidate", created_at=at(24 * d)) for d in (0, 0, 3)]
    make_user(role="candidate", created_at=at(-24 * 5))  # February: the previous range
    company = make("company", owner=owner, verified=False)
    published = make("job", company=company, published_at=at(0))
    make("job", company=company, published_at=at(48), moderation_status="pending")
    flagged = make("job", company=company, published_at=at(50), moderation_status="flagged")
    make("job", company=company, status="draft")
    decided = make(
        "job",
        company=company,
        published_at=at(0),
        moderation_status="rejected",
        moderated_at=at(5),
        moderated_by_id=admin.id,
    )
    make(
        "job",
        company=company,
        published_at=at(0),
        moderated_at=at(15),
        moderated_by_id=admin.id,
    )
    make("job", company=company, published_at=at(0), moderated_at=at(0))  # automatic: no admin
    make("report", job=flagged, reporter=candidates[0])
    make("report", job=flagged, reporter=candidates[1], status="resolved")
    history(published, candidates[0], [("applied", at(1)), ("screening", at(2))])
    history(
        published,
        candidates[1],
        [("applied", at(1)), ("screening", at(2)), ("interviewing", at(3)),
         ("offered", at(4)), ("hired", at(24 * 2 + 1))],
    )  # fmt: skip
    history(decided, candidates[2], [("applied", at(-24 * 3))])  # February

    body = api.ok(admin, "/analytics/platform", **MARCH)

    users = body["users"]
    assert users["by_role"] == {"candidate": 4, "employer": 1, "admin": 1}
    assert users["total"] == 6
    signups = users["signups"]
    assert (signups["total"], signups["previous"], signups["change_pct"]) == (4, 1, 300.0)
    assert {p["period"]: p["count"] for p in signups["points"] if p["count"]} == {
        "2026-03-02": 3,
        "2026-03-05": 1,
    }
    assert len(signups["points"]) == 31
    jobs = body["jobs"]
    assert jobs["by_status"] == {"draft": 1, "published": 6, "closed": 0}
    assert jobs["by_moderation_status"] == {
        "pending": 1, "approved": 4, "rejected": 1, "flagged": 1,
    }  # fmt: skip
    assert jobs["posted"]["total"] == 6
    moderation = body["moderation"]
    assert moderation == {
        "queue_size": 2, "pending": 1, "flagged": 1, "decisions": 2,
        "median_hours_to_decision": 10.0, "p90_hours_to_decision": 14.0, "open_reports": 1,
    }  # fmt: skip
    applications = body["applications"]
    assert (applications["total"], applications["previous"]) == (2, 1)
    assert (applications["direction"], applications["change_pct"]) == ("up", 100.0)
    assert body["hires"]["total"] == 1
    assert {p["period"]: p["count"] for p in body["hires"]["points"] if p["count"]} == {
        "2026-03-04": 1
    }


def test_platform_leaves_out_undone_applications_and_their_hires(api, make, make_user, history):
    admin = make_user(role="admin")
    job = make("job", company=make("company"), published_at=at(0))
    hired = [("applied", at(1)), ("offered", at(2)), ("hired", at(24 * 2))]
    history(job, make_user(role="candidate"), hired)
    history(job, make_user(role="candidate"), hired, deleted_at=at(24 * 3))  # undone import
    history(job, make_user(role="candidate"), [("applied", at(1))], deleted_at=at(24 * 3))

    body = api.ok(admin, "/analytics/platform", **MARCH)

    assert body["applications"]["total"] == 1
    assert body["hires"]["total"] == 1
    assert {p["period"]: p["count"] for p in body["hires"]["points"] if p["count"]} == {
        "2026-03-04": 1
    }


def test_responsiveness_is_null_below_five_applications(api, make, make_user, history):
    company = make("company", name="Acme")
    job = make("job", company=company)
    now = utcnow()
    applied = now - timedelta(days=10)
    # 4 recent applications (two answered, after 4 and 8 hours), 1 older than 90 days
    for answered_after in (4, 8, None, None):
        moves = [("applied", applied)]
        if answered_after:
            moves.append(("screening", applied + timedelta(hours=answered_after)))
        history(job, make_user(role="candidate"), moves)
    history(job, make_user(role="candidate"), [("applied", now - timedelta(days=91))])

    path = f"/companies/{company.id}/responsiveness"
    body = api.ok(None, path)
    assert body == {
        "company_id": company.id, "window_days": 90, "minimum_applications": 5,
        "response_rate": None, "median_hours_to_first_response": None,
        "p90_hours_to_first_response": None,
    }  # fmt: skip
    response = api.get(None, path)
    assert response.headers["Cache-Control"] == "public, max-age=300"

    # The fifth recent application, rejected after 12 hours: its write drops the cache.
    history(
        job,
        make_user(role="candidate"),
        [("applied", applied), ("rejected", applied + timedelta(hours=12))],
    )
    body = api.ok(None, path)
    assert body["response_rate"] == 0.6
    assert body["median_hours_to_first_response"] == 8.0
    assert body["p90_hours_to_first_response"] == 11.2
    assert api.get(None, "/companies/999999/responsiveness").status_code == 404


def test_platform_days_follow_the_zone(api, make_user):
    from datetime import UTC, datetime

    admin = make_user(role="admin", created_at=datetime(2026, 1, 1, tzinfo=UTC))
    for moment in (datetime(2026, 3, 29, 21, 30), datetime(2026, 3, 29, 22, 30)):
        make_user(role="candidate", created_at=moment.replace(tzinfo=UTC))
    days = {"from": "2026-03-29", "to": "2026-03-30"}
    berlin = api.ok(admin, "/analytics/platform", **days, tz="Europe/Berlin")
    assert [p["count"] for p in berlin["users"]["signups"]["points"]] == [1, 1]
    utc = api.ok(admin, "/analytics/platform", **days, tz="UTC")
    assert [p["count"] for p in utc["users"]["signups"]["points"]] == [2, 0]
