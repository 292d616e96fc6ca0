"""The transition table is exactly SPEC §4's."""

from __future__ import annotations

import itertools

import pytest

from jobhub.applications.models import (
    ApplicationStatus as S,
)
from jobhub.applications.models import (
    Side,
    describe_refusal,
    is_allowed,
    transition_table_markdown,
)

# SPEC §4, transcribed independently of the implementation's table.
SPEC_MOVES = {
    (Side.EMPLOYER, S.APPLIED, S.SCREENING),
    (Side.EMPLOYER, S.APPLIED, S.REJECTED),
    (Side.EMPLOYER, S.SCREENING, S.INTERVIEWING),
    (Side.EMPLOYER, S.SCREENING, S.REJECTED),
    (Side.EMPLOYER, S.INTERVIEWING, S.OFFERED),
    (Side.EMPLOYER, S.INTERVIEWING, S.REJECTED),
    (Side.EMPLOYER, S.OFFERED, S.REJECTED),
    (Side.CANDIDATE, S.APPLIED, S.WITHDRAWN),
    (Side.CANDIDATE, S.SCREENING, S.WITHDRAWN),
    (Side.CANDIDATE, S.INTERVIEWING, S.WITHDRAWN),
    (Side.CANDIDATE, S.OFFERED, S.WITHDRAWN),
    (Side.CANDIDATE, S.OFFERED, S.HIRED),
}
EVERY_MOVE = list(itertools.product(Side, S, S))


@pytest.mark.parametrize(("side", "current", "target"), EVERY_MOVE)
def test_table_matches_spec(side, current, target):
    assert is_allowed(side, current, target) == ((side, current, target) in SPEC_MOVES)


def test_refusal_names_the_allowed_targets():
    message = describe_refusal(Side.EMPLOYER, S.APPLIED, S.HIRED)
    assert "applied to hired" in message
    assert "rejected, screening" in message
    assert "none" in describe_refusal(Side.CANDIDATE, S.HIRED, S.WITHDRAWN)


def test_markdown_table_lists_every_move():
    table = transition_table_markdown()
    assert "| candidate | offered | hired, withdrawn |" in table
    assert "| employer | offered | rejected |" in table
