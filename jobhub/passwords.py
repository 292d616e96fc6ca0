"""The password policy (a core library): length, personal data, zxcvbn's common passwords.

Rules, checked in this order; the first that fails is named in the 422:

- ``length``: 12 to 128 characters.
- ``contains_email``: contains the email's local part (without any ``+tag``).
- ``contains_name``: contains the full name, or a part of it of 4 or more letters.
- ``common``: one of the 30,000 most common passwords of zxcvbn's frequency list.
- ``guessable``: zxcvbn estimates it guessable (score below 3 out of 4): a common
  password with digits appended, a keyboard walk, a repeat, a date, a name.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from zxcvbn import zxcvbn
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from jobhub.errors import ValidationError

MIN_LENGTH = 12
MAX_LENGTH = 128
MIN_NAME_PART = 4
MIN_LOCAL_PART = 3
MIN_ZXCVBN_SCORE = 3


@dataclass(frozen=True)
class PolicyFailure:
    rule: str
    message: str


@functools.cache
def _common_passwords() -> frozenset[str]:
    return frozenset(FREQUENCY_LISTS["passwords"])


def _local_part(email: str) -> str:
    return email.strip().lower().partition("@")[0].partition("+")[0]


def _name_fragments(full_name: str) -> list[str]:
    """The name without separators, and each part of it long enough to be telling."""
    parts = [part for part in re.split(r"[\s\-'.]+", full_name.lower()) if part]
    fragments = [part for part in parts if len(part) >= MIN_NAME_PART]
    joined = "".join(parts)
    if len(joined) >= MIN_NAME_PART and joined not in fragments:
        fragments.append(joined)
    return fragments


def check(password: str, *, email: str, full_name: str) -> PolicyFailure | None:
    """The first rule the password breaks, or None when it is acceptable."""
    if not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        return PolicyFailure("length", f"Use between {MIN_LENGTH} and {MAX_LENGTH} characters.")
    lowered = password.lower()
    local = _local_part(email)
    if len(local) >= MIN_LOCAL_PART and local in lowered:
        return PolicyFailure("contains_email", "Do not use your email address in your password.")
    fragments = _name_fragments(full_name)
    if any(fragment in lowered for fragment in fragments):
        return PolicyFailure("contains_name", "Do not use your name in your password.")
    if lowered in _common_passwords():
        return PolicyFailure("common", "This is one of the most common passwords.")
    result = zxcvbn(password, user_inputs=[local, *fragments], max_length=MAX_LENGTH)
    if result["score"] < MIN_ZXCVBN_SCORE:
        hint = result["feedback"]["warning"] or "Add more words or characters."
        return PolicyFailure("guessable", f"This password is easy to guess. {hint}".strip())
    return None


def enforce(password: str, *, email: str, full_name: str, field: str = "password") -> None:
    """Raise a 422 naming the field and the rule when the password breaks the policy."""
    failure = check(password, email=email, full_name=full_name)
    if failure is not None:
        raise ValidationError(
            f"The password breaks the policy rule '{failure.rule}': {failure.message}",
            errors={"json": {field: [failure.message]}, "rule": failure.rule},
        )
