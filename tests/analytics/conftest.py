"""Hand-made histories for the analytics tests: every move at a chosen moment."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from jobhub.applications.models import Application, ApplicationEvent, ApplicationStatus, Side
from jobhub.db import db

API = "/api/v1"
T0 = datetime(2026, 3, 2, tzinfo=UTC)  # a Monday


def at(hours: float, base: datetime = T0) -> datetime:
    return base + timedelta(hours=hours)


@pytest.fixture
def history(app):
    """``history(job, candidate, [("applied", t), ("screening", t), ...], **fields)``.

    Moves are ``(status, moment)`` or ``(status, moment, side)``; the side defaults to
    the candidate for applied, withdrawn and hired, the employer otherwise. The
    application is created at the first moment with the last status.
    """

    def make(job: Any, candidate: Any, moves: list[tuple], **fields: Any) -> int:
        with app.app_context():
            applied_at = moves[0][1]
            application = Application(
                job_id=job.id,
                company_id=job.company_id,
                candidate_id=candidate.id,
                status=ApplicationStatus(moves[-1][0]),
                status_changed_at=moves[-1][1],
                created_at=applied_at,
                updated_at=moves[-1][1],
                **fields,
            )
            db.session.add(application)
            db.session.flush()
            previous = None
            for move in moves:
                status, moment = ApplicationStatus(move[0]), move[1]
                side = move[2] if len(move) > 2 else None
                if side is None:
                    by_candidate = status in ("applied", "withdrawn", "hired")
                    side = Side.CANDIDATE if by_candidate else Side.EMPLOYER
                db.session.add(
                    ApplicationEvent(
                        application_id=application.id,
                        from_status=previous,
                        to_status=status,
                        actor_side=Side(side),
                        created_at=moment,
                    )
                )
                previous = status
            db.session.commit()
            return application.id

    return make


class Api:
    def __init__(self, client, auth_headers) -> None:
        self.client = client
        self.auth_headers = auth_headers

    def get(self, user: Any, path: str, **query: Any):
        headers = self.auth_headers(user) if user is not None else {}
        return self.client.get(f"{API}{path}", headers=headers, query_string=query)

    def ok(self, user: Any, path: str, **query: Any) -> dict:
        response = self.get(user, path, **query)
        assert response.status_code == 200, response.get_json()
        return response.get_json()


@pytest.fixture
def api(client, auth_headers) -> Api:
    return Api(client, auth_headers)
