"""The audit writer, the hash chain, verification, redaction and append-only storage."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from jobhub.audit import services as audit
from jobhub.audit.models import AuditEntry
from jobhub.db import db

TRIGGER = "audit_log_append_only"


def _record_committed(app, **fields) -> int:
    with app.app_context():
        entry = audit.record(**fields)
        db.session.commit()
        return entry.id


def _entries(app) -> list[AuditEntry]:
    with app.app_context():
        rows = list(db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
        db.session.expunge_all()
        return rows


def _verify(runner):
    return runner.invoke(args=["audit", "verify"])


def test_record_chains_rows_and_keeps_context(app, admin, candidate):
    with app.test_request_context("/x", environ_base={"REMOTE_ADDR": "203.0.113.9"}):
        from flask import g

        g.request_id = "req-1"
        audit.record(
            action="user.deactivated",
            actor=db.session.merge(admin),
            target_type="user",
            target_id=candidate.id,
            changes={"is_active": [True, False], "email": ["a@x.io", "a@x.io"]},
        )
        audit.record(action="system.tick")
        db.session.commit()
    first, second = _entries(app)
    assert first.prev_hash == audit.GENESIS and second.prev_hash == first.hash
    assert (first.actor_id, first.actor_role, first.ip, first.request_id) == (
        admin.id,
        "admin",
        "203.0.113.9",
        "req-1",
    )
    assert first.target_id == str(candidate.id) and first.subject_id == candidate.id
    assert first.changes == {"is_active": [True, False]}
    assert first.personal == {"email": ["a@x.io", "a@x.io"]}
    assert audit.shown_changes(first)["email"] == ["a@x.io", "a@x.io"]
    assert (second.actor_role, second.actor_id) == ("system", None)


def test_values_are_stored_as_hashed(app):
    from datetime import UTC, datetime
    from decimal import Decimal

    changes = {"when": [None, datetime(2026, 1, 2, tzinfo=UTC)], "pay": [Decimal("1.5"), 2]}
    _record_committed(app, action="job.updated", changes=changes, target_id="a\x00b")
    [entry] = _entries(app)
    assert entry.changes == {"when": [None, "2026-01-02T00:00:00+00:00"], "pay": ["1.5", 2]}
    assert entry.target_id == "ab"


def test_verify_passes_on_an_intact_chain(app, runner):
    for n in range(3):
        _record_committed(app, action="job.moderated", target_type="job", target_id=n)
    result = _verify(runner)
    assert result.exit_code == 0, result.output
    assert "3 rows verified" in result.output


def test_verify_on_an_empty_log(runner):
    result = _verify(runner)
    assert result.exit_code == 0 and "0 rows verified" in result.output


def _tamper(app, backend, statement: str, **params) -> None:
    """Edit the table directly, as a superuser would (past the trigger on PostgreSQL)."""
    with app.app_context(), db.engine.begin() as connection:
        if backend.name == "postgres":
            connection.execute(
                sa.text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")
            )
        connection.execute(sa.text(statement), params)
        if backend.name == "postgres":
            connection.execute(
                sa.text("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only")
            )


def test_verify_names_a_row_edited_in_the_database(app, runner, backend):
    ids = [_record_committed(app, action="job.moderated", target_id=n) for n in range(4)]
    _tamper(app, backend, "UPDATE audit_log SET action = 'job.approved' WHERE id = :id", id=ids[2])
    result = _verify(runner)
    assert result.exit_code == 1
    assert f"Audit row {ids[2]} does not match" in result.output
    assert "2 rows before it verified" in result.output


def test_verify_names_the_row_after_a_deleted_one(app, runner, backend):
    ids = [_record_committed(app, action="job.moderated", target_id=n) for n in range(3)]
    _tamper(app, backend, "DELETE FROM audit_log WHERE id = :id", id=ids[1])
    result = _verify(runner)
    assert result.exit_code == 1 and f"Audit row {ids[2]} does not match" in result.output
    assert "removed" in result.output


def test_verify_notices_a_changed_ip(app, runner, backend):
    with app.test_request_context("/", environ_base={"REMOTE_ADDR": "198.51.100.1"}):
        audit.record(action="user.updated")
        db.session.commit()
    _tamper(app, backend, "UPDATE audit_log SET ip = '10.0.0.1'")
    result = _verify(runner)
    assert result.exit_code == 1 and "personal values" in result.output


def test_redaction_erases_personal_values_and_keeps_the_chain(app, runner, admin, candidate):
    with app.test_request_context("/", environ_base={"REMOTE_ADDR": "198.51.100.7"}):
        actor = db.session.merge(candidate)
        audit.record(action="user.updated", actor=actor, changes={"full_name": ["A", "B"]})
        audit.record(
            action="user.verified",
            actor=db.session.merge(admin),
            target_type="user",
            target_id=candidate.id,
            changes={"email_verified": [False, True]},
        )
        audit.record(action="job.moderated", actor=db.session.merge(admin), target_id=1)
        db.session.commit()
    with app.app_context():
        assert audit.redact_user(user_id=candidate.id) == 2
        db.session.commit()
    first, second, third = _entries(app)
    assert (first.ip, first.personal, first.salt) == (None, None, None)
    assert first.redacted_at is not None and second.redacted_at is not None
    assert audit.shown_changes(first) == {"redacted": True}
    assert audit.shown_changes(second) == {"email_verified": [False, True], "redacted": True}
    assert third.ip == "198.51.100.7" and third.redacted_at is None
    result = _verify(runner)
    assert result.exit_code == 0 and "3 rows verified" in result.output, result.output


def test_the_orm_has_no_update_or_delete_path(app):
    entry_id = _record_committed(app, action="job.moderated")
    with app.app_context():
        entry = db.session.get(AuditEntry, entry_id)
        entry.action = "job.other"
        with pytest.raises(RuntimeError, match="append-only"):
            db.session.flush()
        db.session.rollback()
        db.session.delete(db.session.get(AuditEntry, entry_id))
        with pytest.raises(RuntimeError, match="append-only"):
            db.session.flush()
        db.session.rollback()


@pytest.mark.postgres
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_log SET action = 'x'",
        "UPDATE audit_log SET changes = '{}'",
        "UPDATE audit_log SET ip = NULL, hash = 'x'",
        "UPDATE audit_log SET ip = '10.1.1.1'",
        "DELETE FROM audit_log",
    ],
)
def test_the_trigger_refuses_edits_and_deletes(app, statement):
    _record_committed(app, action="job.moderated", changes={"a": [1, 2]})
    with app.app_context(), db.engine.connect() as connection:
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            connection.execute(sa.text(statement))
        connection.rollback()


@pytest.mark.postgres
def test_the_trigger_allows_redaction_only(app):
    _record_committed(app, action="job.moderated")
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(
            sa.text(
                "UPDATE audit_log SET ip = NULL, personal = NULL, salt = NULL, redacted_at = now()"
            )
        )


@pytest.mark.postgres
def test_concurrent_writers_keep_one_chain(app, runner):
    """Eight threads, each its own session and connection, appending at once."""
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def write(n: int) -> None:
        try:
            with app.app_context():
                start.wait(timeout=10)
                for i in range(5):
                    audit.record(action="job.moderated", target_id=f"{n}-{i}")
                    db.session.commit()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    result = _verify(runner)
    assert result.exit_code == 0 and "40 rows verified" in result.output, result.output
