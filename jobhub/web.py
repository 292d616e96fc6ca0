"""The request cycle: request ids, one commit per request, security headers, access log."""

from __future__ import annotations

import logging
import re
import secrets
import sys
import time
import uuid
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, current_app, g, redirect, request
from sqlalchemy.exc import IntegrityError, OperationalError
from werkzeug.middleware.proxy_fix import ProxyFix

from jobhub import metrics
from jobhub.db import db
from jobhub.errors import ValidationError, database_unavailable_response, error_response

access_log = logging.getLogger("jobhub.access")
log = logging.getLogger(__name__)

REQUEST_ID_HEADER = "X-Request-ID"
_SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
# Health checks come from load balancers over plain HTTP inside the network.
_HTTPS_EXEMPT = ("/health", "/ready")
HSTS = "max-age=31536000; includeSubDomains"
JSON_CSP = "default-src 'none'; frame-ancestors 'none'"
# Every HTML page (docs, admin panel) serves its own assets: nothing from another host,
# no inline script or style except those carrying this response's nonce (csp_nonce()).
HTML_CSP_DIRECTIVES: dict[str, tuple[str, ...]] = {
    "default-src": ("'self'",),
    "script-src": ("'self'",),
    "style-src": ("'self'",),
    "img-src": ("'self'", "data:"),
    "font-src": ("'self'", "data:"),
    "connect-src": ("'self'",),
    "object-src": ("'none'",),
    "frame-ancestors": ("'none'",),
    "base-uri": ("'self'",),
    "form-action": ("'self'",),
}
_NONCE_DIRECTIVES = ("script-src", "style-src")
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def csp_nonce() -> str:
    """This response's CSP nonce, for an inline ``<script>`` or ``<style>`` that must stay."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return g.csp_nonce


def allow_in_csp(directive: str, *sources: str) -> None:
    """Widen this response's HTML CSP: ``allow_in_csp("worker-src", "blob:")``."""
    allowed = g.setdefault("csp_allowed", {})
    allowed.setdefault(directive, []).extend(sources)


def html_csp() -> str:
    """The HTML CSP of this response: the strict default, its nonce and any widening."""
    directives = {name: list(sources) for name, sources in HTML_CSP_DIRECTIVES.items()}
    for name, sources in g.get("csp_allowed", {}).items():
        directives.setdefault(name, []).extend(s for s in sources if s not in directives[name])
    if "csp_nonce" in g:
        for name in _NONCE_DIRECTIVES:
            directives[name].append(f"'nonce-{g.csp_nonce}'")
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


def _start_request() -> Response | None:
    g.started_at = time.perf_counter()
    incoming = request.headers.get(REQUEST_ID_HEADER, "")
    g.request_id = incoming if _SANE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
    if _must_redirect_to_https():
        return redirect(request.url.replace("http://", "https://", 1), code=308)
    return None


def _refuse_missing_body() -> None:
    """A JSON body the operation requires (``@blp.arguments``, documented ``required``)
    that was not sent at all is a 422, not an empty object quietly accepted. A caller
    who sends no credentials at all gets the view's own 401 instead."""
    if request.method not in _BODY_METHODS:  # a CORS preflight (OPTIONS) has no body
        return
    view = current_app.view_functions.get(request.endpoint or "")
    docs = getattr(view, "_apidoc", {})
    arguments = docs.get("arguments", {}).get("parameters", [])
    if not any(a.get("in") == "json" and a.get("required") for a in arguments):
        return
    if request.content_length or "chunked" in request.headers.get("Transfer-Encoding", ""):
        return
    security = docs.get("manual_doc", {}).get("security", [])
    if security and {} not in security and "Authorization" not in request.headers:
        return
    raise ValidationError(
        "This operation needs a JSON body.",
        errors={"json": {"_schema": ["A JSON body is required."]}},
    )


def _must_redirect_to_https() -> bool:
    return (
        current_app.config["FORCE_HTTPS"]
        and not request.is_secure
        and not request.path.startswith(_HTTPS_EXEMPT)
    )


def _commit(response: Response) -> Response:
    """The request's one commit: only for a successful response, else roll back."""
    if response.status_code >= 400:
        db.session.rollback()
        return response
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        log.info("commit refused by a database constraint", exc_info=True)
        return error_response(
            409, "conflict", "The change conflicts with data that changed meanwhile."
        )
    except OperationalError as exc:
        # The connection failed at COMMIT: the change did not complete (or, if the server
        # died mid-commit, its outcome is unknown); either way the client sees a 503.
        return database_unavailable_response(exc)
    return response


def _secure_headers(response: Response) -> None:
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    is_html = (response.mimetype or "").startswith("text/html")
    headers.setdefault("Content-Security-Policy", html_csp() if is_html else JSON_CSP)
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", HSTS)


# Flask-Limiter sends Retry-After with its X-RateLimit-* headers on every limited route;
# it means "come back later" only on a refusal (RFC 9110 §10.2.3).
RETRY_AFTER_STATUSES = (429, 503)
OUTAGE_RETRY_AFTER = "5"  # seconds


def _finish_request(response: Response) -> Response:
    response = _commit(response)
    _secure_headers(response)
    if response.status_code not in RETRY_AFTER_STATUSES:
        response.headers.pop("Retry-After", None)
    if response.status_code == 503:
        # Redis or the database is down: outages are usually short, so say when to retry.
        response.headers.setdefault("Retry-After", OUTAGE_RETRY_AFTER)
    response.headers[REQUEST_ID_HEADER] = g.get("request_id", "")
    started = g.get("started_at")
    if started is not None:
        rule = request.url_rule.rule if request.url_rule is not None else None
        seconds = time.perf_counter() - started
        metrics.observe_request(
            method=request.method, rule=rule, status=response.status_code, seconds=seconds
        )
    access_log.info(
        "%s %s %s",
        request.method,
        request.path,
        response.status_code,
        extra={
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 2) if started else None,
            "user_id": g.get("user_id"),
            "api_key_id": getattr(g.get("api_key_caller"), "key_id", None),
            "remote_addr": request.remote_addr,
        },
    )
    return response


def init_request_cycle(app: Flask) -> None:
    """Registered before any extension's hooks, so every response has a request id."""
    app.before_request(_start_request)
    app.before_request(_refuse_missing_body)
    app.after_request(_finish_request)
    app.jinja_env.globals["csp_nonce"] = csp_nonce


def trust_proxies(app: Flask) -> None:
    """Outermost WSGI layer (around socket.io too): client IP and scheme from the proxy."""
    if app.config["PROXY_FIX_X_FOR"]:
        hops = app.config["PROXY_FIX_X_FOR"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


# -- socket.io's transport: engine.io answers before Flask sees the request ---------------

SOCKET_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("Content-Security-Policy", JSON_CSP),
)
# eventlet's websocket writes this to wsgi.errors when a client that already went away
# is closed: an ordinary disconnect, once per socket (2,600 lines in a 1,000-socket run).
_ORDINARY_CLOSE = "socket shutdown error: [Errno 9]"


class _QuietErrors:
    """``wsgi.errors`` without the ordinary-disconnect line; everything else passes."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, text: str) -> Any:
        if _ORDINARY_CLOSE in text:
            return None
        return self._stream.write(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


class SocketTransportMiddleware:
    """Around engine.io: the API's security headers on its polling responses, and no
    error line per ordinary websocket disconnect."""

    def __init__(self, wsgi_app: Callable, path: str) -> None:
        self.wsgi_app = wsgi_app
        self.prefix = "/" + path.strip("/")

    def __call__(self, environ: dict, start_response: Callable) -> Any:
        if not environ.get("PATH_INFO", "").startswith(self.prefix):
            return self.wsgi_app(environ, start_response)
        environ["wsgi.errors"] = _QuietErrors(environ.get("wsgi.errors", sys.stderr))
        secure = environ.get("wsgi.url_scheme") == "https"

        def start(status: str, headers: list, exc_info: Any = None) -> Any:
            if not status.startswith("101"):
                present = {name.lower() for name, _ in headers}
                extra = list(SOCKET_HEADERS) + ([("Strict-Transport-Security", HSTS)] * secure)
                headers = headers + [(n, v) for n, v in extra if n.lower() not in present]
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, start)


def harden_socket_transport(app: Flask, path: str = "socket.io") -> None:
    """Wrap the socket.io transport (after socket.io has bound itself to the app)."""
    app.wsgi_app = SocketTransportMiddleware(app.wsgi_app, path)  # type: ignore[method-assign]
