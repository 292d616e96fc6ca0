"""Bulk pipeline moves and bulk applying (SPEC §10): all or nothing, as single moves do."""

from __future__ import annotations

from sqlalchemy import func, select

from jobhub.applications.models import Application, ApplicationEvent
from jobhub.db import db
from jobhub.jobs.models import Job
from jobhub.notifications.models import Notification
from tests import factories

STATUS = "/applications/bulk/status"
APPLY = "/applications/bulk"


def _applications(make, world, count: int = 3) -> list:
    candidates = [world.candidate, world.other_candidate]
    jobs = [make("job", company=world.company) for _ in range(count)]
    return [make("application", job=job, candidate=candidates[n % 2]) for n, job in enumerate(jobs)]


def _statuses(app, ids) -> list[str]:
    with app.app_context():
        query = select(Application.status).where(Application.id.in_(ids)).order_by(Application.id)
        return [status.value for status in db.session.scalars(query)]


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_employer_moves_every_application_and_each_candidate_hears(app, api, make, world):
    applications = _applications(make, world)
    ids = [a.id for a in applications]
    body = api("PATCH", world.member, STATUS, json={"ids": ids, "status": "screening"})
    assert body["results"] == [
        {"index": n, "id": i, "status": "screening"} for n, i in enumerate(ids)
    ]
    assert _statuses(app, ids) == ["screening"] * 3
    history = api("GET", world.member, f"/applications/{ids[0]}/history")
    assert [(m["from"], m["to"]) for m in history][-1] == ("applied", "screening")
    notes = api("GET", world.candidate, "/notifications?type=application.status_changed")
    assert sorted(n["data"]["application_id"] for n in notes) == [ids[0], ids[2]]


def test_one_refused_move_is_a_422_by_index_and_nothing_moves(app, api, make, world):
    applications = _applications(make, world)
    rejected = make("application", job=world.job, candidate=world.candidate, status="rejected")
    theirs = make("application", job=world.other_job, candidate=world.candidate)
    ids = [applications[0].id, rejected.id, applications[1].id, theirs.id]
    events, notices = _count(app, ApplicationEvent), _count(app, Notification)
    response = api.patch(world.member, STATUS, json={"ids": ids, "status": "screening"})
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert set(errors) == {"1", "3"}
    assert "rejected to screening" in errors["1"]["status"][0]
    assert errors["3"] == {"id": ["No such application."]}
    assert _statuses(app, [applications[0].id, applications[1].id]) == ["applied", "applied"]
    assert (_count(app, ApplicationEvent), _count(app, Notification)) == (events, notices)


def test_a_rejection_carries_its_reason_and_candidates_withdraw_their_own(app, api, make, world):
    applications = _applications(make, world, count=4)
    ids = [a.id for a in applications]
    body = {"ids": ids[:2], "status": "rejected", "reason": "position_filled", "note": "Sorry."}
    api("PATCH", world.member, STATUS, json=body)
    shown = api("GET", world.member, f"/applications/{ids[0]}")
    assert shown["rejection_reason"] == "position_filled"
    own = [a.id for a in applications if a.candidate_id == world.candidate.id]
    api("PATCH", world.candidate, STATUS, json={"ids": own[1:], "status": "withdrawn"})
    assert _statuses(app, own) == ["rejected", "withdrawn"]
    response = api.patch(world.candidate, STATUS, json={"ids": [ids[1]], "status": "withdrawn"})
    assert response.get_json()["errors"] == {"0": {"id": ["No such application."]}}


def test_admins_move_nothing_and_bad_bodies_are_422(api, make, world):
    [application] = _applications(make, world, count=1)
    body = {"ids": [application.id], "status": "screening"}
    assert api.patch(world.admin, STATUS, json=body).status_code == 403
    assert api.patch(None, STATUS, json=body).status_code == 401
    for bad in (
        {"ids": [], "status": "screening"},
        {"ids": [application.id, application.id], "status": "screening"},
        {"ids": list(range(1, 1002)), "status": "screening"},
        {"ids": [application.id], "status": "screening", "reason": "other"},
    ):
        response = api.patch(world.member, STATUS, json=bad)
        assert response.status_code == 422, bad
        assert "json" in response.get_json()["errors"]


def test_a_thousand_applications_move_at_once(app, api, world):
    with app.app_context():
        job = db.session.get(Job, world.job.id)
        ids = []
        for _ in range(1000):
            candidate = factories.create_user(role="candidate")
            ids.append(factories.create_application(job=job, candidate=candidate).id)
        db.session.commit()
    body = api("PATCH", world.member, STATUS, json={"ids": ids, "status": "screening"})
    assert len(body["results"]) == 1000
    assert set(_statuses(app, ids)) == {"screening"}


def test_a_candidate_applies_to_several_jobs(app, api, make, world):
    jobs = [make("job", company=world.company) for _ in range(3)]
    body = api("POST", world.candidate, APPLY, json={"job_ids": [job.id for job in jobs]})
    assert [r["status"] for r in body["results"]] == ["applied"] * 3
    with app.app_context():
        counts = db.session.scalars(
            select(Job.applications_count).where(Job.id.in_([j.id for j in jobs]))
        )
        assert list(counts) == [1, 1, 1]
    received = api("GET", world.member, "/notifications?type=application.received")
    assert len(received) == 3


def test_bulk_apply_refuses_hidden_jobs_and_repeats_and_applies_nothing(app, api, make, world):
    draft = make("job", company=world.company, status="draft", moderation_status="pending")
    fresh = make("job", company=world.company)
    api.apply(world.candidate, world.job)
    before = _count(app, Application)
    ids = [fresh.id, draft.id, world.job.id]
    response = api.post(world.candidate, APPLY, json={"job_ids": ids})
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert errors["1"] == {"job_id": ["No such job."]}
    assert "already have an active application" in errors["2"]["job_id"][0]
    assert _count(app, Application) == before
    response = api.post(world.candidate, APPLY, json={"job_ids": [fresh.id], "resume_id": 99999})
    assert response.get_json()["errors"] == {"json": {"resume_id": ["No such resume among yours."]}}
    assert api.post(world.member, APPLY, json={"job_ids": [fresh.id]}).status_code == 403
