"""The authorization matrix (tests/authz/matrix.py), one test per entry, and its coverage.

Each case sends one request as its role, on the object its relation names, with a body
that succeeds for allowed callers: the status is the authorization's answer, not the
validation's. Refusals come in the error envelope with the code their status stands for.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask

from tests.authz.conftest import CLIENT_ADDR, METRICS_TOKEN
from tests.authz.matrix import ROUTES, Ctx, Route
from tests.authz.panel import PANEL_ROUTES, panel_request
from tests.authz.world import (
    ADMIN,
    ANONYMOUS,
    OTHER,
    PER_USER_KINDS,
    ROLE_SIDE,
    ROLES,
    World,
)

ALL_ROUTES: list[Route] = [*ROUTES, *PANEL_ROUTES]
MATRIX_FILE = "tests/authz/matrix.py"
PANEL_FILE = "tests/authz/panel.py"
_PARAM = re.compile(r"<(?:[^:<>]+:)?([a-z_]+)>")
ERROR_CODES = {401: {"unauthorized"}, 403: {"forbidden"}, 404: {"not_found"}}
# Flask-Admin's own endpoints that our panel never links to, kept apart from ours.
IGNORED_METHODS = {"HEAD", "OPTIONS"}
# What a refused request may still write: the session's last use (authentication
# succeeded, the policy refused).
WRITES_ON_REFUSAL = {"auth_sessions"}


def _entries() -> list[Any]:
    params = []
    for route in ALL_ROUTES:
        for (role, relation), status in sorted(route.cases.items()):
            params.append(
                pytest.param(route, role, relation, status, id=f"{route.key} {role}/{relation}")
            )
    return params


def url_for_case(route: Route, world: World, role: str, relation: str) -> str:
    values: dict[str, Any] = {}
    if route.obj is not None:
        values.update(world.params(route.obj, role, relation))
    for name, kind in route.fixed.items():
        values[name] = world.any_object(kind)
    values.update(route.values)

    def value(match: re.Match) -> str:
        name = match.group(1)
        if name not in values:
            raise AssertionError(f"{route.key}: no value for <{name}> (obj, fixed or values)")
        return str(values[name])

    return _PARAM.sub(value, route.rule)


def _built(builder: Any, ctx: Ctx) -> Any:
    return builder(ctx) if callable(builder) else builder


def send(app: Flask, world: World, route: Route, role: str, relation: str) -> tuple[Any, Ctx]:
    ctx = Ctx(world=world, role=role, relation=relation, app=app)
    if route.prepare is not None:
        ctx = Ctx(world, role, relation, app, prepared=route.prepare(ctx))
    return _send(app, world, route, role, relation, ctx), ctx


def _send(app: Flask, world: World, route: Route, role: str, relation: str, ctx: Ctx) -> Any:
    url = url_for_case(route, world, role, relation)
    client = app.test_client()
    if route.panel:
        return panel_request(client, world, route, role, url, ctx)
    headers = world.headers(role, route.scope)
    if route.token is not None and role in world_roles_with_users():
        headers = {"Authorization": f"Bearer {route.token(ctx)}"}
    kwargs: dict[str, Any] = {"headers": headers, "environ_base": {"REMOTE_ADDR": CLIENT_ADDR}}
    if route.json is not None:
        kwargs["json"] = _built(route.json, ctx)
    if route.data is not None:
        kwargs["data"] = _built(route.data, ctx)
        kwargs["content_type"] = "multipart/form-data"
    if route.query is not None:
        kwargs["query_string"] = _built(route.query, ctx)
    return client.open(url, method=route.method, **kwargs)


def foreign_ids(world: World, kind: str, role: str) -> set[Any]:
    """Ids of ``kind`` that a list answered to ``role`` must not contain."""
    if kind in PER_USER_KINDS:
        mine = world.user_key(role)
        return {v for name, v in world.per_user[kind].items() if name != mine}
    side = ROLE_SIDE.get(role, "a")
    return {world.objects[kind][OTHER[side]]}


def world_roles_with_users() -> set[str]:
    from tests.authz.world import ROLE_USER

    return set(ROLE_USER)


@pytest.mark.parametrize(("route", "role", "relation", "expected"), _entries())
def test_entry(matrix_app, world, restored, route: Route, role, relation, expected) -> None:
    response, ctx = send(matrix_app, world, route, role, relation)
    body = response.get_data()[:600].decode(errors="replace")
    where = f"{route.key} as {role}/{relation}"
    assert response.status_code == expected, (
        f"{where}: expected {expected}, got {response.status_code}: {body[:600]}"
    )
    if expected >= 400 and route.prepare is None:
        changed = restored.committed - WRITES_ON_REFUSAL - route.writes_on_refusal
        assert not changed, f"{where}: refused, yet it changed {sorted(changed)}"
    if route.check is not None and response.status_code < 300:
        assert route.check(ctx, response), f"{where}: {body[:600]}"
    if route.panel:
        return
    if route.lists and expected == 200 and role not in (ADMIN, ANONYMOUS):
        shown = {item["id"] for item in response.get_json()}
        others = foreign_ids(world, route.lists, role)
        assert not shown & others, f"{where}: lists another's {route.lists}: {shown & others}"
    if expected in ERROR_CODES:
        payload = response.get_json(silent=True) or {}
        assert payload.get("error") in ERROR_CODES[expected], (where, payload)
        assert payload.get("code") == expected, (where, payload)


# -- coverage --------------------------------------------------------------------------------


def _url_map_routes(app: Flask) -> set[tuple[str, str]]:
    found = set()
    for rule in app.url_map.iter_rules():
        for method in sorted((rule.methods or set()) - IGNORED_METHODS):
            found.add((method, rule.rule))
    return found


def test_every_route_of_the_url_map_has_an_entry(matrix_app) -> None:
    declared = {(route.method, route.rule) for route in ALL_ROUTES}
    missing = sorted(_url_map_routes(matrix_app) - declared)
    hints = []
    for method, rule in missing:
        where = PANEL_FILE if rule.startswith("/admin/") else MATRIX_FILE
        endpoint = next(
            r.endpoint
            for r in matrix_app.url_map.iter_rules()
            if r.rule == rule and method in (r.methods or ())
        )
        hints.append(
            f"  {method} {rule}  (endpoint {endpoint}): add "
            f'Route("{method}", "{rule}", <cases>, ...) to {where}'
        )
    assert not missing, (
        f"{len(missing)} route(s) of the URL map have no authorization matrix entry. "
        "State who may call each (start from a preset: public, signed_in, admin_only, "
        "candidate_only, employer_only, or cases(...)) and give a body that succeeds for "
        "the allowed callers; README.md, section Testing > Authorization matrix, explains:\n"
        + "\n".join(hints)
    )


def test_no_entry_names_a_route_that_does_not_exist(matrix_app) -> None:
    stale = sorted(
        route.key
        for route in ALL_ROUTES
        if (route.method, route.rule) not in _url_map_routes(matrix_app)
    )
    assert not stale, f"entries for routes the app does not have (remove them): {stale}"


def test_every_route_states_every_role_and_each_route_once() -> None:
    keys = [route.key for route in ALL_ROUTES]
    assert len(keys) == len(set(keys)), "a route is declared twice"
    for route in ALL_ROUTES:
        roles = {role for role, _relation in route.cases}
        assert roles == set(ROLES), f"{route.key}: no case for {sorted(set(ROLES) - roles)}"


def test_metrics_access(matrix_app) -> None:
    """/metrics: the METRICS_TOKEN bearer from anywhere, or loopback without a proxy."""
    client = matrix_app.test_client()
    outside = {"REMOTE_ADDR": CLIENT_ADDR}
    token = {"Authorization": f"Bearer {METRICS_TOKEN}"}
    assert client.get("/metrics", headers=token, environ_base=outside).status_code == 200
    wrong = {"Authorization": "Bearer not-the-token"}
    assert client.get("/metrics", headers=wrong, environ_base=outside).status_code == 403
    loopback = {"REMOTE_ADDR": "127.0.0.1"}
    assert client.get("/metrics", environ_base=loopback).status_code == 200
    proxied = {"X-Forwarded-For": "203.0.113.9"}
    assert client.get("/metrics", headers=proxied, environ_base=loopback).status_code == 403
