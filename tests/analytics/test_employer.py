"""Job and company dashboards: exact numbers on a hand-made history (both backends)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.analytics.conftest import at

MARCH = {"from": "2026-03-01", "to": "2026-03-31", "tz": "UTC"}


@pytest.fixture
def cast(make, make_user):
    owner = make_user(role="employer", full_name="Olga Owner")
    recruiter = make_user(role="employer")
    company = make("company", owner=owner, name="Acme")
    make("member", company=company, user=recruiter)
    job = make("job", company=company, title="Backend Engineer", skills=["python", "sql"])
    quiet_job = make("job", company=company, title="Office Manager")
    candidates = [make_user(role="candidate") for _ in range(10)]
    return {
        "owner": owner,
        "recruiter": recruiter,
        "company": company,
        "job": job,
        "quiet_job": quiet_job,
        "candidates": candidates,
    }


@pytest.fixture
def pipeline_history(cast, history):
    """Eight applications in March covering every way out of the pipeline (see below);
    two more in the previous range (February)."""
    job, c = cast["job"], cast["candidates"]
    # hired: every stage
    history(
        job,
        c[0],
        [("applied", at(0)), ("screening", at(24)), ("interviewing", at(72)),
         ("offered", at(120)), ("hired", at(168))],
        source="referral",
        match_score=95.0,
    )  # fmt: skip
    # rejected after applied, after screening, after interviewing, after an offer
    history(job, c[1], [("applied", at(1)), ("rejected", at(13))], source="search", match_score=10)
    history(
        job,
        c[2],
        [("applied", at(2)), ("screening", at(8)), ("rejected", at(44))],
        source="search",
        match_score=19.99,
    )
    history(
        job,
        c[3],
        [("applied", at(3)), ("screening", at(51)), ("interviewing", at(99)),
         ("rejected", at(171))],
        match_score=100.0,
    )  # fmt: skip
    history(
        job,
        c[4],
        [("applied", at(4)), ("screening", at(28)), ("interviewing", at(52)),
         ("offered", at(100)), ("rejected", at(148))],
    )  # fmt: skip
    # withdrawn by the candidate: not a response
    history(job, c[5], [("applied", at(5)), ("withdrawn", at(29))])
    # still open at the end of the range; its employer answers only in April
    history(job, c[6], [("applied", at(6)), ("screening", datetime(2026, 4, 5, 12, tzinfo=UTC))])
    # reopened statuses: screening and interviewing entered twice, still interviewing
    history(
        job,
        c[7],
        [("applied", at(7)), ("screening", at(19)), ("interviewing", at(43)),
         ("screening", at(67)), ("interviewing", at(115))],
    )  # fmt: skip
    february = datetime(2026, 2, 10, 9, tzinfo=UTC)
    history(job, c[8], [("applied", february)])
    history(job, c[9], [("applied", february), ("rejected", at(2, february))])
    return cast


EXPECTED_FUNNEL = [
    # reached, pass-through, median / p90 days of the completed stays
    {"stage": "applied", "reached": 8, "pass_through_rate": 0.625,
     "median_days_in_stage": 1.0, "p90_days_in_stage": 1.4},
    {"stage": "screening", "reached": 5, "pass_through_rate": 0.8,
     "median_days_in_stage": 1.75, "p90_days_in_stage": 2.0},
    {"stage": "interviewing", "reached": 4, "pass_through_rate": 0.5,
     "median_days_in_stage": 2.0, "p90_days_in_stage": 2.7},
    {"stage": "offered", "reached": 2, "pass_through_rate": 0.5,
     "median_days_in_stage": 2.0, "p90_days_in_stage": 2.0},
    {"stage": "hired", "reached": 1, "pass_through_rate": None,
     "median_days_in_stage": None, "p90_days_in_stage": None},
]  # fmt: skip


def test_job_dashboard_exact_numbers(api, pipeline_history):
    cast = pipeline_history
    body = api.ok(cast["owner"], f"/analytics/jobs/{cast['job'].id}", interval="week", **MARCH)

    assert body["applications"] == 8
    assert body["lifetime_applications"] == 10
    assert body["by_status"] == {
        "applied": 1, "screening": 0, "interviewing": 1, "offered": 0, "hired": 1,
        "rejected": 4, "withdrawn": 1,
    }  # fmt: skip
    # 6 of 8 got an employer's move out of applied (the withdrawal and April's do not count)
    assert body["rates"] == {"response": 0.75, "interview": 0.5, "offer": 0.25, "acceptance": 0.5}
    assert body["funnel"] == EXPECTED_FUNNEL
    # first responses after 24, 12, 6, 48, 24, 12 hours
    assert body["median_hours_to_first_response"] == 18.0
    assert body["p90_hours_to_first_response"] == 36.0
    # offers after 5 and 4 days; the one hire after 7
    assert (body["median_days_to_offer"], body["p90_days_to_offer"]) == (4.5, 4.9)
    assert (body["median_days_to_hire"], body["p90_days_to_hire"]) == (7.0, 7.0)
    buckets = {row["bucket"]: row["count"] for row in body["match_scores"]}
    assert len(buckets) == 10
    assert buckets["10-19"] == 2 and buckets["90-100"] == 2 and sum(buckets.values()) == 4
    assert body["sources"] == [
        {"source": "direct", "applications": 5, "hired": 0},
        {"source": "search", "applications": 2, "hired": 0},
        {"source": "referral", "applications": 1, "hired": 1},
    ]
    trend = body["trend"]
    assert [p["period"] for p in trend["points"]] == [
        "2026-02-23", "2026-03-02", "2026-03-09", "2026-03-16", "2026-03-23", "2026-03-30"
    ]  # fmt: skip
    assert [p["applications"] for p in trend["points"]] == [0, 8, 0, 0, 0, 0]
    # previous range: the 31 days before March 1, with two applications
    assert (trend["previous"], trend["direction"], trend["change_pct"]) == (2, "up", 300.0)
    assert body["range"] == {
        "from": "2026-03-01", "to": "2026-03-31", "interval": "week", "tz": "UTC",
        "starts_at": "2026-03-01T00:00:00Z", "ends_at": "2026-04-01T00:00:00Z",
    }  # fmt: skip


def test_a_later_range_sees_the_later_move(api, pipeline_history):
    """As of the end of the range: April's answer to the open application counts once
    the range includes it."""
    cast = pipeline_history
    body = api.ok(
        cast["owner"], f"/analytics/jobs/{cast['job'].id}", **{**MARCH, "to": "2026-04-30"}
    )
    assert body["applications"] == 8
    assert body["by_status"]["screening"] == 1 and body["by_status"]["applied"] == 0
    assert body["rates"]["response"] == 0.875


def test_company_dashboard_adds_up_its_jobs(api, pipeline_history):
    cast = pipeline_history
    body = api.ok(cast["recruiter"], f"/analytics/companies/{cast['company'].id}", **MARCH)
    assert body["applications"] == 8
    assert body["funnel"] == EXPECTED_FUNNEL
    assert body["rates"]["response"] == 0.75
    rows = {row["job_id"]: row for row in body["jobs"]}
    assert list(rows) == [cast["job"].id, cast["quiet_job"].id]
    assert rows[cast["job"].id] == {
        "job_id": cast["job"].id, "title": "Backend Engineer", "status": "published",
        "views": 0, "applications": 8, "interviewing": 4, "offered": 2, "hired": 1,
        "response_rate": 0.75, "median_hours_to_first_response": 18.0,
    }  # fmt: skip
    assert rows[cast["quiet_job"].id]["applications"] == 0
    assert rows[cast["quiet_job"].id]["median_hours_to_first_response"] is None


def test_an_empty_range_is_zeros_and_empty_lists(api, pipeline_history):
    cast = pipeline_history
    june = {"from": "2025-06-01", "to": "2025-06-03"}
    body = api.ok(cast["owner"], f"/analytics/jobs/{cast['job'].id}", **june)
    assert body["applications"] == 0
    assert set(body["by_status"].values()) == {0}
    assert body["rates"] == {"response": 0.0, "interview": 0.0, "offer": 0.0, "acceptance": 0.0}
    assert [row["reached"] for row in body["funnel"]] == [0, 0, 0, 0, 0]
    assert [row["pass_through_rate"] for row in body["funnel"]] == [0.0, 0.0, 0.0, 0.0, None]
    assert body["median_hours_to_first_response"] is None
    assert body["sources"] == [] and body["top_applicant_skills"] == []
    assert [p["applications"] for p in body["trend"]["points"]] == [0, 0, 0]
    assert (body["trend"]["direction"], body["trend"]["change_pct"]) == ("flat", 0.0)


def test_a_deleted_job_leaves_the_company_dashboard(api, make, pipeline_history, app):
    from jobhub.db import db, utcnow
    from jobhub.jobs.models import Job

    cast = pipeline_history
    with app.app_context():
        db.session.get(Job, cast["job"].id).deleted_at = utcnow()
        db.session.commit()
    body = api.ok(cast["owner"], f"/analytics/companies/{cast['company'].id}", **MARCH)
    assert body["applications"] == 0
    assert [row["job_id"] for row in body["jobs"]] == [cast["quiet_job"].id]
    assert api.get(cast["owner"], f"/analytics/jobs/{cast['job'].id}").status_code == 404
