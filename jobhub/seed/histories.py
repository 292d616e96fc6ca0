"""One generated application's life for ``flask seed``: moves, notes, interview, feedback.

Rows are dicts keyed by column, appended to ``Rows``; ``jobhub.seed.applications``
draws their ids and writes them in bulk.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from jobhub.applications.models import ApplicationStatus as S

# Split from strings: a list literal of 70 names would take 70 lines.
FIRST_NAMES = (  # noqa: SIM905
    "Amara Ben Chloe Diego Elif Farah Gustav Hana Ivan Jonas Kenji Leila Mateo Nadia Omar "
    "Priya Quentin Rosa Sven Tara Umar Vera Wei Ximena Yusuf Zofia Aiko Bruno Camille Dmitri "
    "Esther Felix Greta Hugo Ines Jamal Kira Luca Mira Nils"
).split()
LAST_NAMES = (  # noqa: SIM905
    "Abbott Baptiste Castillo Dubois Eriksen Fischer Garcia Haddad Ivanova Jensen Kowalski "
    "Lindgren Moreau Nakamura Okafor Petrov Quinn Rossi Santos Tanaka Ueda Varga Weber Xu "
    "Yilmaz Zimmermann Almeida Brandt Costa Duarte"
).split()
NOTE_BODIES = (
    "Strong portfolio; worth a call.",
    "Salary expectations are above our band, discuss with the hiring manager.",
    "Relocation needed, candidate is open to it.",
    "Referred by a team member.",
    "Good communication on the screening call.",
    "Asked about remote days; we can offer two.",
    "Notice period is three months.",
    "Technical depth looks right for the level.",
)
FEEDBACK_NOTES = {
    True: ("Clear thinker, strong fundamentals.", "Would raise the bar on the team."),
    False: ("Struggled with the system design part.", "Not enough depth for the level."),
}
WITHDRAWAL_NOTES = ("Accepted another offer.", "The role is not the right fit after all.", None)
# (final status, stage reached before it, weight)
OUTCOMES = (
    (S.APPLIED, S.APPLIED, 30),
    (S.SCREENING, S.SCREENING, 14),
    (S.INTERVIEWING, S.INTERVIEWING, 10),
    (S.OFFERED, S.OFFERED, 3),
    (S.HIRED, S.OFFERED, 3),
    (S.REJECTED, S.APPLIED, 13),
    (S.REJECTED, S.SCREENING, 8),
    (S.REJECTED, S.INTERVIEWING, 6),
    (S.REJECTED, S.OFFERED, 1),
    (S.WITHDRAWN, S.APPLIED, 5),
    (S.WITHDRAWN, S.SCREENING, 4),
    (S.WITHDRAWN, S.INTERVIEWING, 2),
    (S.WITHDRAWN, S.OFFERED, 1),
)
LADDER = (S.APPLIED, S.SCREENING, S.INTERVIEWING, S.OFFERED)
# Where seeded applicants found the job (SPEC §4's sources; imports are not seeded).
SOURCES = (
    ("search", 40),
    ("direct", 25),
    ("recommendation", 15),
    ("saved_search", 10),
    ("referral", 10),
)
REASONS = (("not_qualified", 5), ("position_filled", 3), ("withdrew_interest", 1), ("other", 1))


@dataclass
class Rows:
    """Everything one run inserts, per table, as dicts keyed by column."""

    users: list[dict[str, Any]] = field(default_factory=list)
    members: list[dict[str, Any]] = field(default_factory=list)
    applications: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    notes: list[dict[str, Any]] = field(default_factory=list)
    interviews: list[dict[str, Any]] = field(default_factory=list)
    interviewers: list[dict[str, Any]] = field(default_factory=list)
    feedback: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class ListedJob:
    id: int
    company_id: int
    title: str
    listed_at: datetime


def between(rng: random.Random, start: datetime, end: datetime, count: int) -> list[datetime]:
    span = max((end - start).total_seconds(), 60.0)
    return [
        start + timedelta(seconds=s) for s in sorted(rng.uniform(0, span) for _ in range(count))
    ]


def application_rows(
    rng: random.Random,
    rows: Rows,
    application_id: int,
    candidate_id: int,
    job: ListedJob,
    member_id: int,
    now: datetime,
    resume_id: int | None = None,
) -> None:
    final, reached, _weight = rng.choices(OUTCOMES, weights=[o[2] for o in OUTCOMES])[0]
    path = list(LADDER[: LADDER.index(reached) + 1])
    if final in (S.HIRED, S.REJECTED, S.WITHDRAWN):
        path.append(final)
    applied_at = between(rng, job.listed_at, now, 1)[0]
    times = [applied_at, *between(rng, applied_at, now, len(path) - 1)]
    reason = None
    if final == S.REJECTED:
        reason = rng.choices([r for r, _ in REASONS], weights=[w for _, w in REASONS])[0]
    source = rng.choices([s for s, _ in SOURCES], weights=[w for _, w in SOURCES])[0]
    rows.applications.append(
        {
            "id": application_id,
            "job_id": job.id,
            "company_id": job.company_id,
            "candidate_id": candidate_id,
            "resume_id": resume_id,
            "cover_letter": (
                f"I would love to join as {job.title}: it is the work I do best."
                if rng.random() < 0.6
                else None
            ),
            "source": source,
            "status": final.value,
            "rejection_reason": reason,
            "status_changed_at": times[-1],
            "match_score": None,
            "anonymized_at": None,
            "created_at": applied_at,
            "updated_at": times[-1],
        }
    )
    previous = None
    for status, moment in zip(path, times, strict=True):
        by_candidate = status in (S.APPLIED, S.WITHDRAWN, S.HIRED)
        note = None
        if status == S.WITHDRAWN:
            note = rng.choice(WITHDRAWAL_NOTES)
        elif status == S.REJECTED and rng.random() < 0.3:
            note = "Thank you for your time; we went with a closer match."
        rows.events.append(
            {
                "application_id": application_id,
                "from_status": previous.value if previous else None,
                "to_status": status.value,
                "actor_id": candidate_id if by_candidate else member_id,
                "actor_side": "candidate" if by_candidate else "employer",
                "note": note,
                "reason": reason if status == S.REJECTED else None,
                "created_at": moment,
            }
        )
        previous = status
    if len(path) > 1 and rng.random() < 0.3:
        for moment in between(rng, times[1], now, rng.randint(1, 2)):
            rows.notes.append(
                {
                    "application_id": application_id,
                    "author_id": member_id,
                    "body": rng.choice(NOTE_BODIES),
                    "created_at": moment,
                }
            )
    if S.INTERVIEWING in path:
        at = path.index(S.INTERVIEWING)
        ends = times[at + 1] if at + 1 < len(times) else None
        _interview(rng, rows, application_id, member_id, times[at], ends, final, now)


def _interview(
    rng: random.Random,
    rows: Rows,
    application_id: int,
    member_id: int,
    scheduled_at: datetime,
    next_move_at: datetime | None,
    final: S,
    now: datetime,
) -> None:
    """One interview: held before the next move, or upcoming while still interviewing."""
    if next_move_at is None and final == S.INTERVIEWING:
        starts_at = now + timedelta(hours=rng.randint(2, 24 * 14))
    else:
        end = next_move_at or now
        starts_at = between(rng, scheduled_at, end, 1)[0]
    starts_at = starts_at.replace(minute=rng.choice((0, 30)), second=0, microsecond=0)
    upcoming = starts_at > now
    cancelled = not upcoming and rng.random() < 0.04
    # Provisional id: the interview's position in rows.interviews, replaced when ids are drawn.
    interview_id = len(rows.interviews)
    kind = rng.choice(("phone", "video", "video", "onsite"))
    rows.interviews.append(
        {
            "id": interview_id,
            "application_id": application_id,
            "organizer_id": member_id,
            "starts_at": starts_at,
            "duration_minutes": rng.choice((30, 45, 60, 60, 90)),
            "kind": kind,
            "location": {
                "phone": None,
                "video": "https://meet.example/interview",
                "onsite": "Head office, reception",
            }[kind],
            "status": "cancelled" if cancelled else "scheduled",
            "sequence": 1 if cancelled else 0,
            "notice_minutes": max(0, int((starts_at - scheduled_at).total_seconds() // 60)),
            "cancelled_at": scheduled_at if cancelled else None,
            "created_at": scheduled_at,
            "updated_at": scheduled_at,
        }
    )
    rows.interviewers.append({"interview_id": interview_id, "user_id": member_id})
    if not upcoming and not cancelled and rng.random() < 0.8:
        positive = final in (S.OFFERED, S.HIRED) or (final != S.REJECTED and rng.random() < 0.5)
        rating = rng.randint(4, 5) if positive else rng.randint(1, 3)
        recommendation = (
            ("strong_yes" if rating == 5 else "yes")
            if positive
            else rng.choice(("no", "strong_no") if rating == 1 else ("no",))
        )
        moment = starts_at + timedelta(hours=rng.randint(1, 20))
        rows.feedback.append(
            {
                "interview_id": interview_id,
                "author_id": member_id,
                "rating": rating,
                "recommendation": recommendation,
                "notes": rng.choice(FEEDBACK_NOTES[positive]),
                "created_at": moment,
                "updated_at": moment,
            }
        )
