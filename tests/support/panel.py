"""The admin panel through the Flask test client: sign in, read CSRF tokens, post forms.

``panel.sign_in(user)`` goes through the real sign-in form (from an address of its own,
so the per-IP throttle does not couple tests); ``panel.post(path, data)`` sends a form
with the CSRF token of the page it came from, as a browser does.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

from tests.factories import DEFAULT_PASSWORD

_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
_ips = itertools.count(1)


def csrf_token(html: str) -> str:
    """The first CSRF token of a page (every panel page has the sign-out form's)."""
    match = _CSRF.search(html)
    assert match, "no csrf_token on the page"
    return match.group(1) or match.group(2)


class Panel:
    def __init__(self, client: Any) -> None:
        self.client = client
        self.ip = f"10.200.{next(_ips) % 256}.{next(_ips) % 250 + 1}"

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.client.get(path, environ_base={"REMOTE_ADDR": self.ip}, **kwargs)

    def sign_in_response(self, email: str, password: str = DEFAULT_PASSWORD, **form: str) -> Any:
        token = csrf_token(self.get("/admin/login").get_data(as_text=True))
        data = {"email": email, "password": password, "csrf_token": token, **form}
        return self.client.post("/admin/login", data=data, environ_base={"REMOTE_ADDR": self.ip})

    def sign_in(self, user: Any, password: str = DEFAULT_PASSWORD) -> Any:
        response = self.sign_in_response(user.email, password)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return response

    def page(self, path: str) -> str:
        """A panel page's HTML; asserts 200."""
        response = self.get(path)
        assert response.status_code == 200, (path, response.status_code, response.location)
        return response.get_data(as_text=True)

    def post(self, path: str, data: dict[str, Any], *, from_page: str | None = None) -> Any:
        """POST a form with the CSRF token of ``from_page`` (default: the dashboard)."""
        token = csrf_token(self.page(from_page or "/admin/"))
        return self.client.post(
            path, data={"csrf_token": token, **data}, environ_base={"REMOTE_ADDR": self.ip}
        )

    def post_without_csrf(self, path: str, data: dict[str, Any]) -> Any:
        return self.client.post(path, data=data, environ_base={"REMOTE_ADDR": self.ip})

    def sign_out(self) -> Any:
        return self.post("/admin/logout", {})

    def is_signed_in(self) -> bool:
        return self.get("/admin/").status_code == 200
