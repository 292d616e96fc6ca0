"""Sending one webhook request safely: the SSRF guard and the HTTP attempt.

A library: it imports no domain. The target's name is resolved once per attempt, every
address it resolves to is checked, and the connection is made to the checked address
itself (the name only goes in the Host header and the TLS server name), so a name that
resolves to a public address for the check and to loopback for the connection (DNS
rebinding) cannot reach inside. Redirects are never followed.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import urllib3
from urllib3.exceptions import HTTPError, TimeoutError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
RESPONSE_READ_LIMIT = 64 * 1024  # what is read of a receiver's answer (and dropped)


class RefusedTarget(ValueError):
    """A URL the guard refuses, with the reason a person can act on."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str


@dataclass(frozen=True)
class Outcome:
    """What one attempt gave: a status (None when no answer came) or an error."""

    status: int | None
    duration_ms: int
    error: str | None = None
    retry_after: str | None = None


def parse(url: str, *, require_https: bool) -> Target:
    """The URL's parts, or RefusedTarget (scheme, credentials, no host, bad port)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise RefusedTarget(f"Not a valid URL: {error}.") from None
    schemes = ("https",) if require_https else ("https", "http")
    if parts.scheme not in schemes:
        raise RefusedTarget(f"The URL must use {' or '.join(schemes)}.")
    if not parts.hostname:
        raise RefusedTarget("The URL has no host.")
    if parts.username is not None or parts.password is not None:
        raise RefusedTarget("The URL must not carry credentials.")
    default = 443 if parts.scheme == "https" else 80
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(parts.scheme, parts.hostname, port or default, path)


def refusal(address: IPAddress) -> str | None:
    """The kind of address the guard refuses to connect to, or None for a public one."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    # The specific kinds first: Python counts most of them as private too.
    for kind in ("loopback", "link_local", "multicast", "unspecified", "reserved", "private"):
        if getattr(address, f"is_{kind}"):
            return f"a {kind.replace('_', '-')} address"
    return None if address.is_global else "not a public address"


def resolve(target: Target, *, allow_private: bool) -> IPAddress:
    """The checked address to connect to: every address the host resolves to must pass."""
    try:
        infos = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise RefusedTarget(f"The host {target.host} does not resolve.") from None
    addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    if not addresses:
        raise RefusedTarget(f"The host {target.host} does not resolve.")
    if not allow_private:
        for address in addresses:
            kind = refusal(address)
            if kind is None:
                continue
            if str(address) == target.host:
                raise RefusedTarget(f"Refused: {address} is {kind}.")
            raise RefusedTarget(f"Refused: {target.host} resolves to {address}, {kind}.")
    return addresses[0]


def check(url: str, *, require_https: bool, allow_private: bool) -> None:
    """Registration's check: the URL is acceptable and its host resolves to allowed addresses."""
    resolve(parse(url, require_https=require_https), allow_private=allow_private)


def post(
    url: str,
    *,
    body: str,
    headers: dict[str, str],
    timeout: float,
    require_https: bool,
    allow_private: bool,
) -> Outcome:
    """One POST of ``body`` to ``url`` through the guard; never raises for the target's faults."""
    started = time.monotonic()

    def took() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        target = parse(url, require_https=require_https)
        address = resolve(target, allow_private=allow_private)
    except RefusedTarget as refused:
        return Outcome(status=None, duration_ms=took(), error=str(refused))
    try:
        status, retry_after = _send(target, address, body=body, headers=headers, timeout=timeout)
    except TimeoutError:
        return Outcome(status=None, duration_ms=took(), error=f"Timed out after {timeout:g} s.")
    except (HTTPError, OSError) as error:
        return Outcome(status=None, duration_ms=took(), error=f"Connection failed: {error}"[:500])
    return Outcome(status=status, duration_ms=took(), retry_after=retry_after)


def _send(
    target: Target, address: IPAddress, *, body: str, headers: dict[str, str], timeout: float
) -> tuple[int, str | None]:
    """The request itself, to ``address``, naming ``target.host``; (status, Retry-After)."""
    default = 443 if target.scheme == "https" else 80
    host_header = target.host if target.port == default else f"{target.host}:{target.port}"
    if ":" in target.host and target.port == default:
        host_header = f"[{target.host}]"
    options: dict = {"timeout": urllib3.Timeout(total=timeout), "retries": False}
    if target.scheme == "https":
        pool: urllib3.HTTPConnectionPool = urllib3.HTTPSConnectionPool(
            str(address),
            target.port,
            server_hostname=target.host,
            assert_hostname=target.host,
            cert_reqs="CERT_REQUIRED",
            **options,
        )
    else:
        pool = urllib3.HTTPConnectionPool(str(address), target.port, **options)
    with pool:
        response = pool.urlopen(
            "POST",
            target.path,
            body=body.encode(),
            headers={**headers, "host": host_header},
            redirect=False,
            preload_content=False,
            assert_same_host=False,
        )
        try:
            response.read(RESPONSE_READ_LIMIT)
        finally:
            response.release_conn()
        return response.status, response.headers.get("retry-after")
