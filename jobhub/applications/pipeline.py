"""The application status machine of SPEC §4, in one table.

The service enforces it, the API docs print it and the 409 message quotes it.
"""

from __future__ import annotations

import enum


class ApplicationStatus(enum.StrEnum):
    APPLIED = "applied"
    SCREENING = "screening"
    INTERVIEWING = "interviewing"
    OFFERED = "offered"
    HIRED = "hired"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class Side(enum.StrEnum):
    """Who moves an application: the hiring company or the candidate."""

    EMPLOYER = "employer"
    CANDIDATE = "candidate"


class ApplicationSource(enum.StrEnum):
    """Where an application came from (SPEC §4): the candidate says on apply; imports
    set ``import``."""

    SEARCH = "search"
    SAVED_SEARCH = "saved_search"
    RECOMMENDATION = "recommendation"
    DIRECT = "direct"
    REFERRAL = "referral"
    IMPORT = "import"


# What a candidate may say on apply (``import`` is set by imports only).
APPLY_SOURCES = tuple(s for s in ApplicationSource if s is not ApplicationSource.IMPORT)


class RejectionReason(enum.StrEnum):
    NOT_QUALIFIED = "not_qualified"
    POSITION_FILLED = "position_filled"
    WITHDREW_INTEREST = "withdrew_interest"
    OTHER = "other"


S = ApplicationStatus
TRANSITIONS: dict[Side, dict[ApplicationStatus, frozenset[ApplicationStatus]]] = {
    Side.EMPLOYER: {
        S.APPLIED: frozenset({S.SCREENING, S.REJECTED}),
        S.SCREENING: frozenset({S.INTERVIEWING, S.REJECTED}),
        S.INTERVIEWING: frozenset({S.OFFERED, S.REJECTED}),
        S.OFFERED: frozenset({S.REJECTED}),  # the offer is rescinded
    },
    Side.CANDIDATE: {
        S.APPLIED: frozenset({S.WITHDRAWN}),
        S.SCREENING: frozenset({S.WITHDRAWN}),
        S.INTERVIEWING: frozenset({S.WITHDRAWN}),
        S.OFFERED: frozenset({S.WITHDRAWN, S.HIRED}),  # hired: the offer is accepted
    },
}

# An application in one of these blocks another by the same candidate for the same job.
ACTIVE_STATUSES = frozenset({S.APPLIED, S.SCREENING, S.INTERVIEWING, S.OFFERED, S.HIRED})
FINAL_STATUSES = frozenset({S.HIRED, S.REJECTED, S.WITHDRAWN})


def allowed_targets(side: Side, current: ApplicationStatus) -> frozenset[ApplicationStatus]:
    """Where ``side`` may move an application that is in ``current``."""
    return TRANSITIONS[side].get(current, frozenset())


def is_allowed(side: Side, current: ApplicationStatus, target: ApplicationStatus) -> bool:
    return target in allowed_targets(side, current)


def describe_refusal(side: Side, current: ApplicationStatus, target: ApplicationStatus) -> str:
    """The 409 message: what was refused and what would be allowed instead."""
    targets = sorted(allowed_targets(side, current))
    allowed = ", ".join(targets) if targets else "none"
    return (
        f"The {side.value} cannot move an application from {current.value} to {target.value}; "
        f"allowed from {current.value}: {allowed}."
    )


def transition_table_markdown() -> str:
    """The table for the API docs, generated from TRANSITIONS so it cannot drift."""
    rows = ["| by | from | to |", "|---|---|---|"]
    for side, moves in TRANSITIONS.items():
        for current, targets in moves.items():
            rows.append(f"| {side.value} | {current.value} | {', '.join(sorted(targets))} |")
    return "\n".join(rows)
