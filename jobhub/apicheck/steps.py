"""A declarative step: an operation, who calls it, with which ids and body."""

from __future__ import annotations

import re
from collections.abc import Callable

from jobhub.apicheck.checks import Case
from jobhub.apicheck.world import World

Builder = Callable[[World], "Case | str | None"]
Step = tuple[str, Builder]
NEEDS_ADMIN = "skipped: needs admin (--token or --admin-email/--admin-password)"
PENDING_JOB = "skipped: the job waits for moderation; needs admin (--token or --admin-email)"


def missing_ids(world: World, names: list[str] | tuple[str, ...]) -> str | None:
    absent = [name for name in names if name not in world.ids]
    if absent:
        return f"skipped: needs {', '.join(absent)}, which the run could not create"
    return None


def step(
    key: str,
    role: str = "candidate",
    *,
    body: object = None,
    query: dict[str, object] | None = None,
    aliases: dict[str, str] | None = None,
    fixed: dict[str, object] | None = None,
    keep: str | None = None,
    keep_field: str = "id",
    bearer: Callable[[World], str | None] | None = None,
    capture: Callable[[World, object], None] | None = None,
    expect: tuple[int, ...] = (),
    note: str = "",
    admin: bool = False,
    approved: bool = False,
) -> Step:
    """``(key, builder)``: path ids from the world (``aliases`` renames them), ``body``
    a value or a function of the world (a string from it: the reason to skip), ``keep``
    the name the response's id is kept as."""
    fixed = fixed or {}
    path_names = [name for name in re.findall(r"{(\w+)}", key) if name not in fixed]
    names = [(aliases or {}).get(name, name) for name in path_names]

    def build(world: World) -> Case | str:
        if admin and world.admin_token is None:
            return NEEDS_ADMIN
        if approved and not world.job_approved:
            return PENDING_JOB
        reason = missing_ids(world, names + _body_ids(body))
        if reason:
            return reason
        payload = body(world) if callable(body) else body
        if isinstance(payload, str):
            return payload  # the body function's reason to skip
        params = {**fixed, **{p: world.ids[n] for p, n in zip(path_names, names, strict=True)}}
        return Case(
            key,
            role=role,
            params=params,
            query=query,
            body=payload,
            expect=expect,
            note=note,
            capture=keep_id(keep, keep_field) if keep else capture,
            bearer=bearer(world) if bearer else None,
        )

    return key, build


def _body_ids(body: object) -> list[str]:
    """The ids a body function declares it needs (its ``needs`` attribute)."""
    return list(getattr(body, "needs", ()))


def needs(*names: str) -> Callable[[Callable], Callable]:
    """Mark a body function with the world ids it reads."""

    def mark(function: Callable) -> Callable:
        function.needs = names
        return function

    return mark


def keep_id(name: str, field: str = "id") -> Callable[[World, object], None]:
    """Store the response's ``field`` (``id``) as ``ids[name]``."""

    def capture(world: World, body: object) -> None:
        if isinstance(body, dict) and isinstance(body.get(field), int):
            world.ids[name] = body[field]

    return capture
