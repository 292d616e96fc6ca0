"""Who may read the operational endpoints."""

from __future__ import annotations

import hmac
import ipaddress


def _is_loopback(address: str | None) -> bool:
    try:
        return address is not None and ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def can_scrape_metrics(
    *, remote_addr: str | None, forwarded: bool, presented_token: str | None, metrics_token: str
) -> bool:
    """The ``METRICS_TOKEN`` bearer, or a direct call from loopback (SPEC §7).

    ``forwarded`` is a request that came through a proxy (an ``X-Forwarded-For`` header):
    a proxy on the same host makes every outside client look like loopback, so such a
    request needs the token.
    """
    if metrics_token and presented_token:
        return hmac.compare_digest(presented_token.encode(), metrics_token.encode())
    return _is_loopback(remote_addr) and not forwarded
