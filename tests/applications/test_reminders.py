"""Interview reminders 24 h and 1 h before: due when they should be, sent exactly once."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import event, select

from jobhub.applications.interviews.models import InterviewReminder
from jobhub.applications.interviews.reminders import services as reminders
from jobhub.applications.interviews.reminders.tasks import send_interview_reminders
from jobhub.beat import BEAT_SCHEDULE
from jobhub.db import db, transaction, utcnow
from jobhub.notifications.models import Notification


def _reminded(app) -> Counter:
    """(user id, interview id, reminder kind) → how many reminders were raised."""
    with app.app_context():
        rows = db.session.scalars(
            select(Notification).where(Notification.type == "interview.reminder")
        ).all()
        return Counter((n.user_id, n.data["interview_id"], n.data["reminder"]) for n in rows)


@pytest.fixture
def interviewing(make, world):
    return make("application", job=world.job, candidate=world.candidate, status="interviewing")


def _interview(make, world, application, *, starts_in, notice=timedelta(days=7), **fields):
    return make(
        "interview",
        application=application,
        organizer=world.member,
        interviewers=[world.recruiter],
        starts_at=utcnow() + starts_in,
        notice_minutes=int(notice / timedelta(minutes=1)),
        **fields,
    )


def test_each_reminder_is_sent_once_however_often_beat_runs(app, make, world, interviewing):
    tomorrow = _interview(make, world, interviewing, starts_in=timedelta(hours=23))
    soon = _interview(make, world, interviewing, starts_in=timedelta(minutes=50))
    later = _interview(make, world, interviewing, starts_in=timedelta(hours=30))
    with app.app_context():
        assert send_interview_reminders.apply().get() == 2
        assert send_interview_reminders.apply().get() == 0
        assert send_interview_reminders.apply().get() == 0
    assert _reminded(app) == {
        (world.candidate.id, tomorrow.id, "24h"): 1,
        (world.recruiter.id, tomorrow.id, "24h"): 1,
        (world.candidate.id, soon.id, "1h"): 1,
        (world.recruiter.id, soon.id, "1h"): 1,
    }
    assert later.id not in {interview for _, interview, _ in _reminded(app)}


def test_the_day_and_hour_reminders_follow_the_clock(app, make, world, interviewing):
    interview = _interview(make, world, interviewing, starts_in=timedelta(days=2))
    start = interview.starts_at

    def run(at) -> int:
        with app.app_context(), transaction():
            return reminders.send_due(now=at)

    assert run(start - timedelta(hours=24, minutes=5)) == 0
    assert run(start - timedelta(hours=23, minutes=55)) == 1  # the 24 h one
    assert run(start - timedelta(hours=12)) == 0
    assert run(start - timedelta(minutes=55)) == 1  # the 1 h one
    assert run(start - timedelta(minutes=1)) == 0
    assert run(start + timedelta(minutes=1)) == 0
    kinds = Counter(kind for _, _, kind in _reminded(app))
    assert kinds == {"24h": 2, "1h": 2}  # candidate and interviewer each


def test_a_late_beat_sends_the_reminder_still_due_but_not_both(app, make, world, interviewing):
    interview = _interview(make, world, interviewing, starts_in=timedelta(days=2))
    with app.app_context(), transaction():
        # Beat was down for the whole day before: only the 1 h reminder is still useful.
        assert reminders.send_due(now=interview.starts_at - timedelta(minutes=40)) == 1
    assert {kind for _, _, kind in _reminded(app)} == {"1h"}


def test_short_notice_skips_the_day_reminder(app, make, world, interviewing):
    interview = _interview(
        make, world, interviewing, starts_in=timedelta(hours=10), notice=timedelta(hours=10)
    )
    with app.app_context(), transaction():
        assert reminders.send_due() == 0
    with app.app_context(), transaction():
        assert reminders.send_due(now=interview.starts_at - timedelta(minutes=30)) == 1
    assert {kind for _, _, kind in _reminded(app)} == {"1h"}


def test_a_rescheduled_interview_is_reminded_of_its_new_time(app, api, world, make, interviewing):
    interview = _interview(make, world, interviewing, starts_in=timedelta(hours=23))
    with app.app_context():
        assert send_interview_reminders.apply().get() == 1
    moved = utcnow() + timedelta(days=2)
    response = api.patch(
        world.member,
        f"/interviews/{interview.id}",
        json={"starts_at": moved.isoformat().replace("+00:00", "Z")},
    )
    assert response.status_code == 200
    with app.app_context():
        assert send_interview_reminders.apply().get() == 0  # not due yet
        with transaction():
            assert reminders.send_due(now=moved - timedelta(hours=23)) == 1
        keys = db.session.execute(select(InterviewReminder.kind, InterviewReminder.starts_at)).all()
    assert len(keys) == 2 and {kind.value for kind, _ in keys} == {"24h"}
    assert _reminded(app)[(world.candidate.id, interview.id, "24h")] == 2


def test_no_reminder_for_cancelled_interviews_or_closed_applications(
    app, make, world, interviewing
):
    _interview(make, world, interviewing, starts_in=timedelta(hours=23), status="cancelled")
    withdrawn = make(
        "application", job=world.job, candidate=world.other_candidate, status="withdrawn"
    )
    _interview(make, world, withdrawn, starts_in=timedelta(minutes=30))
    with app.app_context():
        assert send_interview_reminders.apply().get() == 0
    assert _reminded(app) == Counter()


def test_an_interviewer_who_left_the_company_is_not_reminded(app, api, make, world, interviewing):
    interview = _interview(make, world, interviewing, starts_in=timedelta(minutes=30))
    left = api.delete(
        world.recruiter, f"/companies/{world.company.id}/members/{world.recruiter.id}"
    )
    assert left.status_code == 204
    with app.app_context():
        assert send_interview_reminders.apply().get() == 1
    assert _reminded(app) == {(world.candidate.id, interview.id, "1h"): 1}


def test_a_run_that_dies_before_commit_sends_nothing_and_the_next_sends_once(
    app, make, world, interviewing
):
    _interview(make, world, interviewing, starts_in=timedelta(minutes=30))

    def crash_after_claiming() -> None:
        with app.app_context(), transaction():
            assert reminders.send_due() == 1
            raise RuntimeError("worker lost")

    with pytest.raises(RuntimeError):
        crash_after_claiming()
    assert _reminded(app) == Counter()
    with app.app_context():
        assert db.session.scalars(select(InterviewReminder)).all() == []
        assert send_interview_reminders.apply().get() == 1
        assert send_interview_reminders.apply().get() == 0
    assert sum(_reminded(app).values()) == 2


def test_large_backlogs_go_in_batches(app, make, world, interviewing, monkeypatch):
    for minutes in range(20, 25):
        _interview(make, world, interviewing, starts_in=timedelta(minutes=minutes))
    monkeypatch.setattr(reminders, "BATCH_SIZE", 2)
    with app.app_context():
        assert send_interview_reminders.apply().get() == 5
    assert sum(_reminded(app).values()) == 10


def test_beat_runs_the_reminders_every_five_minutes(app):
    entry = BEAT_SCHEDULE["send-interview-reminders"]
    assert entry["task"] == "applications.send_interview_reminders"
    assert entry["schedule"].minute == set(range(0, 60, 5))
    assert entry["task"] in app.extensions["celery"].tasks


@pytest.mark.postgres
def test_two_beat_runs_at_once_send_each_reminder_once(app, make, world, interviewing):
    """Both runs claim at the same moment: the second waits on the first's keys."""
    _interview(make, world, interviewing, starts_in=timedelta(hours=23))
    _interview(make, world, interviewing, starts_in=timedelta(minutes=45))
    both_claiming = threading.Barrier(2, timeout=10)
    held: list[int] = []

    def hold_claims(_conn, _cursor, statement, *_args) -> None:
        if statement.startswith("INSERT INTO interview_reminders") and "'24h'" in str(_args):
            held.append(both_claiming.wait())

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", hold_claims)
    results: list[int] = []

    def run() -> None:
        results.append(send_interview_reminders.apply().get())

    threads = [threading.Thread(target=run) for _ in range(2)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    finally:
        event.remove(engine, "before_cursor_execute", hold_claims)
    assert sorted(held) == [0, 1]  # both runs were claiming at the same time
    assert sorted(results) in ([0, 2], [1, 1])
    assert sum(results) == 2
    assert set(_reminded(app).values()) == {1} and len(_reminded(app)) == 4
