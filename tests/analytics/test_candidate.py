"""A candidate's dashboard: day boundaries in a named zone, trends, skills, skill gap."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

BERLIN = "Europe/Berlin"  # CET (+1) until 2026-03-29 02:00, then CEST (+2)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.fixture
def dst_history(make, make_user, history):
    candidate = make_user(role="candidate")
    acme = make("company", name="Acme")
    globex = make("company", name="Globex")
    jobs = [
        make("job", company=acme, skills=["python", "sql"]),
        make("job", company=acme, skills=["python"]),
        make("job", company=globex, skills=["go"]),
        make("job", company=globex, skills=["python", "docker"]),
    ]
    # Local (Berlin) times in the comments.
    history(jobs[0], candidate, [("applied", utc(2026, 3, 28, 22, 30))])  # 28th 23:30 CET
    history(jobs[1], candidate, [("applied", utc(2026, 3, 28, 23, 30))])  # 29th 00:30 CET
    history(
        jobs[2],
        candidate,
        [("applied", utc(2026, 3, 29, 21, 30)), ("rejected", utc(2026, 3, 29, 21, 45))],
    )  # 29th 23:30 CEST
    history(jobs[3], candidate, [("applied", utc(2026, 3, 29, 22, 30))])  # 30th 00:30 CEST
    return candidate


def test_a_single_day_across_the_change_to_summer_time(api, dst_history):
    body = api.ok(
        dst_history, "/analytics/me", **{"from": "2026-03-29", "to": "2026-03-29"}, tz=BERLIN
    )
    # The 29th in Berlin is 23 hours long: 23:00 UTC on the 28th to 22:00 UTC on the 29th.
    assert body["range"]["starts_at"] == "2026-03-28T23:00:00Z"
    assert body["range"]["ends_at"] == "2026-03-29T22:00:00Z"
    assert body["totals"]["applications"] == 2
    assert body["totals"]["by_status"]["rejected"] == 1
    assert body["rates"]["response"] == 0.5
    assert body["trend"]["points"] == [{"period": "2026-03-29", "applications": 2}]
    # the day before (the 28th, local) had one
    assert body["trend"]["previous"] == 1
    assert (body["trend"]["direction"], body["trend"]["change_pct"]) == ("up", 100.0)


def test_days_follow_the_zone_not_utc(api, dst_history):
    days = {"from": "2026-03-28", "to": "2026-03-30"}
    berlin = api.ok(dst_history, "/analytics/me", **days, tz=BERLIN)["trend"]["points"]
    assert [p["applications"] for p in berlin] == [1, 2, 1]
    in_utc = api.ok(dst_history, "/analytics/me", **days, tz="UTC")["trend"]["points"]
    assert [p["applications"] for p in in_utc] == [2, 2, 0]
    weeks = api.ok(dst_history, "/analytics/me", **days, tz=BERLIN, interval="week")
    assert weeks["trend"]["points"] == [
        {"period": "2026-03-23", "applications": 3},
        {"period": "2026-03-30", "applications": 1},
    ]
    month = api.ok(dst_history, "/analytics/me", **days, tz=BERLIN, interval="month")
    assert month["trend"]["points"] == [{"period": "2026-03-01", "applications": 4}]


def test_top_skills_and_companies(api, dst_history):
    body = api.ok(dst_history, "/analytics/me", **{"from": "2026-03-01", "to": "2026-03-31"})
    assert body["top_skills"] == [
        {"skill": "python", "count": 3},
        {"skill": "docker", "count": 1},
        {"skill": "go", "count": 1},
        {"skill": "sql", "count": 1},
    ]
    assert [(c["name"], c["count"]) for c in body["top_companies"]] == [
        ("Acme", 2),
        ("Globex", 2),
    ]


def test_change_against_an_empty_previous_range(api, dst_history):
    first = api.ok(dst_history, "/analytics/me", **{"from": "2026-03-28", "to": "2026-03-28"})
    # UTC: the 28th has two, the 27th none: no base for a percentage
    assert first["trend"]["previous"] == 0
    assert (first["trend"]["direction"], first["trend"]["change_pct"]) == ("up", None)
    empty = api.ok(dst_history, "/analytics/me", **{"from": "2026-01-01", "to": "2026-01-31"})
    assert (empty["trend"]["direction"], empty["trend"]["change_pct"]) == ("flat", 0.0)
    assert empty["totals"]["applications"] == 0 and empty["top_skills"] == []
    later = api.ok(dst_history, "/analytics/me", **{"from": "2026-03-31", "to": "2026-04-03"})
    # previous range 27th-30th (UTC) had all four
    assert (later["trend"]["previous"], later["trend"]["change_pct"]) == (4, -100.0)
    assert later["trend"]["direction"] == "down"


def test_skill_gap_against_jobs_for_the_desired_roles(api, make, make_user):
    company = make("company")
    make("job", company=company, title="Backend Engineer", skills=["python", "sql"])
    make(
        "job", company=company, title="Senior backend developer", skills=["python", "docker", "sql"]
    )
    make("job", company=company, title="Designer", skills=["figma"])
    make("job", company=company, title="Backend Engineer (draft)", skills=["rust"], status="draft")
    candidate = make_user(role="candidate", skills=["python"], desired_roles=["Backend"])
    gap = api.ok(candidate, "/analytics/me")["skill_gap"]
    # demand: python 2, sql 2, docker 1; covered: python's 2 of 5
    assert gap["jobs_considered"] == 2
    assert gap["coverage_pct"] == 40.0
    assert gap["missing"] == [{"skill": "sql", "demand": 2}, {"skill": "docker", "demand": 1}]
    assert gap["recommendations"][0] == "Learn sql: 2 of the 2 matching jobs require it."
    no_roles = make_user(role="candidate", skills=["python"])
    assert api.ok(no_roles, "/analytics/me")["skill_gap"] == {
        "desired_roles": [], "jobs_considered": 0, "coverage_pct": 0.0, "missing": [],
        "recommendations": [],
    }  # fmt: skip


def test_default_range_is_the_last_30_days(api, make_user):
    body = api.ok(make_user(role="candidate"), "/analytics/me")
    assert len(body["trend"]["points"]) == 30
    first, last = body["range"]["from"], body["range"]["to"]
    assert (datetime.fromisoformat(last) - datetime.fromisoformat(first)).days == 29
