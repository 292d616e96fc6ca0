"""The PostgreSQL fast path (cells built in SQL, streamed with COPY) writes the same bytes
as the Python path, for data made to trip it: commas, quotes, newlines, backslashes,
control characters, unicode, formula prefixes, empty strings, nulls, erased candidates,
an application without moves, whole and fractional scores, timestamps given in other
zones and with and without microseconds."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import delete, event

from jobhub.applications.models import ApplicationEvent
from jobhub.db import db
from tests.exports.conftest import export
from tests.exports.test_exports import TRICKY

pytestmark = [pytest.mark.postgres]

NASTY = [
    *TRICKY,
    "",
    "back\\slash and \\n not a newline",
    'ends with a quote"',
    "carriage\rreturn",
    "\rstarts with CR",
    "control \x01 \x1e \x1f \x7f chars",
    "  leading and trailing spaces  ",
    "\\.",
    "Zoë, \"Ärger\"\r\n'quoted' \u2028 line separator",
]
SCORES = [None, 0.0, 85.0, 72.5, 100.0, 33.333333333333336, 0.1, 99.99]
PARIS = timezone(timedelta(hours=1))
MOMENTS = [
    datetime(2026, 3, 1, 9, 0, 0, tzinfo=UTC),  # no microseconds: isoformat drops them
    datetime(2026, 3, 1, 10, 30, 15, 120000, tzinfo=PARIS),  # stored as 09:30:15.12 UTC
    datetime(1999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
    datetime(2026, 7, 4, 0, 0, 0, 1, tzinfo=timezone(timedelta(hours=-7))),
]


@pytest.fixture
def tricky_board(app, make, make_user, employer, company):
    """One application per nasty text, with stage moves, scores and moments to match."""
    applications = []
    for index, text in enumerate(NASTY):
        job = make("job", company=company, title=text or "untitled")
        candidate = make_user(
            role="candidate", full_name=text or "x", email=f"tricky{index}@example.com"
        )
        moment = MOMENTS[index % len(MOMENTS)]
        application = make(
            "application",
            job=job,
            candidate=candidate,
            status="rejected" if index % 3 == 0 else "screening",
            cover_letter=text if index % 4 else None,
            match_score=SCORES[index % len(SCORES)],
            created_at=moment,
            status_changed_at=moment + timedelta(days=index, microseconds=index),
            rejection_reason="other" if index % 3 == 0 else None,
            anonymized_at=moment if index % 5 == 4 else None,
        )
        make(
            "application_event",
            application=application,
            actor=employer,
            from_status="applied",
            to_status=application.status.value,
            reason="other" if index % 3 == 0 else None,
            created_at=MOMENTS[(index + 1) % len(MOMENTS)],
        )
        applications.append(application)
    with app.app_context():  # one application with no stage move at all
        db.session.execute(
            delete(ApplicationEvent).where(ApplicationEvent.application_id == applications[1].id)
        )
        db.session.commit()
    return applications


@pytest.fixture
def statements(app):
    """The SQL statements sent through SQLAlchemy while the test runs."""
    seen: list[str] = []

    def record(conn, cursor, statement, *args):
        seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


def _moves_read(statements: list[str]) -> bool:
    return any("FROM application_events" in s for s in statements)


def _both(app, api, user, statements, *, copied: bool | None, **request) -> tuple[bytes, bytes]:
    """The export's file by COPY and by the Python path. When the stage moves are in
    the file, the path taken shows: the Python path reads them through SQLAlchemy, COPY
    does not (``copied``: whether COPY should have been taken; None: no moves)."""
    app.config["EXPORT_PG_COPY"] = True
    statements.clear()
    _, fast = export(api, user, **request)
    if copied is not None:
        assert _moves_read(statements) is not copied
    app.config["EXPORT_PG_COPY"] = False
    statements.clear()
    _, slow = export(api, user, **request)
    if copied is not None:
        assert _moves_read(statements)
    return fast, slow


@pytest.mark.parametrize("fmt", ["csv", "json"])
@pytest.mark.parametrize(
    "fields",
    [
        None,
        ["cover_letter", "history", "id", "match_score"],
        ["candidate_name", "created_at"],
        ["history"],
    ],
)
def test_copy_and_python_paths_write_the_same_bytes(
    app, api, employer, tricky_board, statements, fmt, fields
):
    request = {"resource": "applications", "format": fmt}
    copied: bool | None = True
    if fields is not None:
        request["fields"] = fields
        # A one-column CSV is left to the Python path (see jobhub.exports.cells).
        copied = None if "history" not in fields else fmt == "json" or len(fields) > 1
    fast, slow = _both(app, api, employer, statements, copied=copied, **request)
    assert fast == slow
    lines = slow.splitlines()
    if fmt == "csv":
        assert len(lines) >= len(NASTY) + 1  # the header, and cells broken over lines
    else:
        rows = {row.get("id", index): row for index, row in enumerate(map(json.loads, lines))}
        assert len(lines) == len(rows) == len(NASTY)
        if "cover_letter" in rows[tricky_board[0].id]:
            assert {a.id: a.cover_letter for a in tricky_board} == {
                id: row["cover_letter"] for id, row in rows.items()
            }


def test_copy_path_zip_and_filters_match_the_python_path(
    app, api, employer, tricky_board, statements
):
    request = {
        "resource": "applications",
        "format": "zip",
        "filters": {
            "status": "rejected",
            "created_from": "2026-01-01T00:00:00Z",
        },
    }
    fast, slow = _both(app, api, employer, statements, copied=True, **request)
    entries = []
    for data in (fast, slow):
        archive = zipfile.ZipFile(io.BytesIO(data))
        manifest = json.loads(archive.read("manifest.json"))
        content = archive.read("applications.csv")
        assert manifest["files"]["applications.csv"]["size_bytes"] == len(content)
        entries.append((content, manifest["files"]["applications.csv"]))
    assert entries[0] == entries[1]
    expected = [
        a
        for a in tricky_board
        if a.status.value == "rejected" and a.created_at >= datetime(2026, 1, 1, tzinfo=UTC)
    ]
    assert entries[0][1]["rows"] == len(expected) > 0
