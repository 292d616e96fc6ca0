"""The admin panel's part of the matrix: every page and form of /admin.

A panel caller is a browser session, not a bearer token: the admin holds a live panel
session (as after signing in); the other users hold a cookie naming *their own* live
session (what a forged or replayed cookie would carry), which the panel must refuse;
API keys and the anonymous send none. Refused callers are sent to the sign-in page
(302 to /admin/login); admins get the page, or the panel's own redirect after a form.
Sign-in itself: each caller posts their own credentials (the anonymous and keys a wrong
password), and only the admin gets in.
"""

from __future__ import annotations

from typing import Any

from jobhub.admin.base import ADMIN_SESSION_KEY, ADMIN_SID_KEY
from tests.authz.matrix import Cases, Ctx, Route, everyone
from tests.authz.world import (
    ADMIN,
    ADMIN_SETUP,
    ANONYMOUS,
    KEY_ROLES,
    NONE,
    ROLE_USER,
    ROLES,
    World,
)
from tests.factories import DEFAULT_PASSWORD
from tests.support.panel import csrf_token

SIGN_IN = "/admin/login"


def admin_page(status: int = 200) -> Cases:
    """Admins ``status``; everyone else 302 to the sign-in page."""
    out = {(role, NONE): 302 for role in ROLES}
    out[(ADMIN, NONE)] = status
    return out


def _form(**fields: Any) -> Any:
    return lambda _ctx: fields


def _model_view(name: str, kind: str | None, actions: tuple[str, ...] = ()) -> list[Route]:
    """A Flask-Admin model view: read-mostly (no create, edit or delete: those redirect
    back to the list for admins too), row actions with CSRF, no export, no ajax fields."""
    base = f"/admin/{name}"

    def row(ctx: Ctx) -> dict:
        return {"id": ctx.a(kind)} if kind else {}

    def action(ctx: Ctx) -> dict:
        chosen = actions[0] if actions else "none"
        return {"action": chosen, "rowid": ctx.a(kind) if kind else 1}

    return [
        Route("GET", f"{base}/", admin_page(200), panel=True),
        Route(
            "GET",
            f"{base}/details/",
            admin_page(200),
            query=row,
            panel=True,
        ),
        Route("GET", f"{base}/edit/", admin_page(302), query=row, panel=True),
        Route("POST", f"{base}/edit/", admin_page(302), query=row, data=row, panel=True),
        Route("GET", f"{base}/new/", admin_page(302), panel=True),
        Route("POST", f"{base}/new/", admin_page(302), data=_form(name="x"), panel=True),
        Route("POST", f"{base}/delete/", admin_page(302), data=row, panel=True),
        Route(
            "POST",
            f"{base}/action/",
            admin_page(302),
            data=action,
            panel=True,
            note=f"row actions: {', '.join(actions) or 'none'}",
        ),
        Route(
            "GET",
            f"{base}/export/<export_type>/",
            admin_page(302),
            values={"export_type": "csv"},
            panel=True,
            note="no export (the audit log has its own CSV)",
        ),
        Route(
            "GET",
            f"{base}/ajax/lookup/",
            admin_page(404),
            query={"name": "x", "query": "a"},
            panel=True,
            note="no ajax fields: 404 for admins",
        ),
        Route(
            "POST",
            f"{base}/ajax/update/",
            admin_page(404),
            data=lambda c: {"list_form_pk": row(c).get("id", 1)},
            panel=True,
            note="no editable list columns: 404 for admins",
        ),
    ]


def _sign_in_cases() -> Cases:
    out = {(role, NONE): 401 for role in ROLES}
    out[(ADMIN, NONE)] = 302
    return out


PANEL_ROUTES: list[Route] = [
    Route("GET", "/admin/", admin_page(200), panel=True),
    Route("GET", SIGN_IN, everyone(200), panel=True, note="the sign-in form is public"),
    Route(
        "POST",
        SIGN_IN,
        _sign_in_cases(),
        panel=True,
        note="each caller signs in with their own password: only admins get a session",
    ),
    Route(
        "POST",
        "/admin/login/2fa",
        everyone(400),
        data=_form(code="123456"),
        panel=True,
        note="without a pending password step the code form is refused (tests/admin)",
    ),
    Route(
        "POST",
        "/admin/logout",
        {**everyone(400), (ADMIN, NONE): 302},
        panel=True,
        note="needs the panel form's CSRF token, which only a signed-in page carries",
    ),
    Route(
        "GET",
        "/admin/static/<path:filename>",
        everyone(200),
        values={"filename": "admin/js/helpers.js"},
        panel=True,
        note="Flask-Admin's scripts and styles: public, as the sign-in page needs them",
    ),
    Route(
        "GET",
        "/admin/panel-static/<path:filename>",
        everyone(200),
        values={"filename": "panel.css"},
        panel=True,
    ),
    Route("GET", "/admin/moderation/", admin_page(200), panel=True),
    Route(
        "POST",
        "/admin/moderation/decide",
        admin_page(302),
        data=lambda c: {"job_id": c.a("pending_job"), "decision": "approve"},
        panel=True,
    ),
    Route(
        "POST",
        "/admin/moderation/bulk",
        admin_page(302),
        data=lambda c: {"ids": c.a("pending_job"), "decision": "approve"},
        panel=True,
    ),
    Route("GET", "/admin/audit/", admin_page(200), panel=True),
    Route("GET", "/admin/audit/csv", admin_page(200), panel=True),
    *_model_view("users", "user", ("deactivate", "activate", "verify")),
    *_model_view("companies", "company", ("verify", "unverify")),
    *_model_view("jobs", "job"),
    *_model_view("applications", "application"),
    *_model_view("reports", "report", ("resolve", "dismiss")),
]


def panel_request(client: Any, world: World, route: Route, role: str, url: str, ctx: Ctx) -> Any:
    """Send a panel case: the role's cookie (or none), the CSRF token where a signed-in
    page would give one, then check where refusals lead."""
    environ = {"REMOTE_ADDR": "10.9.8.7"}
    headers = world.headers(role, None) if role in (*KEY_ROLES, ADMIN_SETUP) else {}
    name = ROLE_USER.get(role)
    if route.rule == SIGN_IN and route.method == "POST":
        return _sign_in(client, world, name, environ)
    if name is not None:
        with client.session_transaction() as session:
            session[ADMIN_SESSION_KEY] = world.users[name]
            session[ADMIN_SID_KEY] = (
                world.panel_session_id if role == ADMIN else world.session_ids[name]
            )
    data = route.data(ctx) if route.data is not None else None
    if route.method == "POST" and role == ADMIN and route.rule != "/admin/login/2fa":
        page = client.get("/admin/", environ_base=environ)
        data = {"csrf_token": csrf_token(page.get_data(as_text=True)), **(data or {})}
    query = route.query(ctx) if callable(route.query) else route.query
    response = client.open(
        url,
        method=route.method,
        headers=headers,
        data=data,
        query_string=query,
        environ_base=environ,
    )
    if response.status_code == 302 and route.rule != "/admin/logout":
        to_sign_in = response.location.startswith(SIGN_IN)
        refused = role != ADMIN
        assert to_sign_in == refused, (route.key, role, response.location)
    if role != ADMIN and response.status_code == 200 and route.rule.startswith("/admin/"):
        assert "static" in route.rule or route.rule == SIGN_IN, (route.key, role)
    return response


def _sign_in(client: Any, world: World, name: str | None, environ: dict) -> Any:
    page = client.get(SIGN_IN, environ_base=environ)
    token = csrf_token(page.get_data(as_text=True))
    email = world.emails[name] if name else world.emails["cand_a"]
    password = DEFAULT_PASSWORD if name else "Not-The-Password-1"
    form = {"email": email, "password": password, "csrf_token": token}
    return client.post(SIGN_IN, data=form, environ_base=environ)


__all__ = ["ANONYMOUS", "PANEL_ROUTES", "panel_request"]
