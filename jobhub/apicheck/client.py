"""A small HTTP client on the standard library: JSON and multipart bodies, timed."""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

TIMEOUT_SECONDS = 30


@dataclass(frozen=True)
class Upload:
    """A file sent as one multipart form field."""

    field: str
    filename: str
    content_type: str
    content: bytes
    # Plain form fields sent with the file (``name``, ``value``).
    fields: tuple[tuple[str, str], ...] = ()


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes
    elapsed_ms: float
    error: str | None = None

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    def json(self) -> object:
        """The parsed body; ``None`` when it is empty or not JSON."""
        try:
            return json.loads(self.body) if self.body else None
        except ValueError:
            return None


@dataclass
class Client:
    base_url: str
    extra_headers: dict[str, str] = field(default_factory=dict)

    def call(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        query: dict[str, object] | None = None,
        body: object = None,
        upload: Upload | None = None,
    ) -> Response:
        """One request; a network failure is a response with status 0 and its ``error``."""
        url = self.base_url.rstrip("/") + path + (f"?{urlencode(query)}" if query else "")
        headers = {"Accept": "application/json", **self.extra_headers}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = None
        if upload is not None:
            data, headers["Content-Type"] = _multipart(upload)
        elif body is not None:
            data, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
        # The command accepts only http(s) base URLs.
        return _send(Request(url, data=data, headers=headers, method=method))  # noqa: S310


def _send(request: Request) -> Response:
    started = time.perf_counter()
    try:
        with urlopen(request, timeout=TIMEOUT_SECONDS) as answer:  # noqa: S310
            status, headers, body = answer.status, answer.headers, answer.read()
    except HTTPError as exc:
        status, headers, body = exc.code, exc.headers, exc.read()
    except (URLError, OSError) as exc:
        elapsed = (time.perf_counter() - started) * 1000
        return Response(0, {}, b"", elapsed, error=f"{type(exc).__name__}: {exc}")
    elapsed = (time.perf_counter() - started) * 1000
    lowered = {name.lower(): value for name, value in headers.items()}
    return Response(status, lowered, body, elapsed)


def _multipart(upload: Upload) -> tuple[bytes, str]:
    boundary = f"apicheck-{uuid.uuid4().hex}"
    fields = "".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in upload.fields
    )
    head = (
        fields + f"--{boundary}\r\n"
        f'Content-Disposition: form-data; name="{upload.field}"; filename="{upload.filename}"\r\n'
        f"Content-Type: {upload.content_type}\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    return head + upload.content + tail, f"multipart/form-data; boundary={boundary}"
