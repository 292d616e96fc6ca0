"""Table test of the operational endpoints' policy."""

from __future__ import annotations

import pytest

from jobhub.health import policies

TOKEN = "metrics-token-0123456789abcdef"


@pytest.mark.parametrize(
    ("remote_addr", "forwarded", "presented", "configured", "allowed"),
    [
        ("127.0.0.1", False, None, "", True),  # loopback, no token configured
        ("::1", False, None, TOKEN, True),  # loopback (IPv6), token configured but not sent
        ("127.0.0.1", True, None, TOKEN, False),  # through a local proxy: needs the token
        ("10.0.0.7", False, None, TOKEN, False),  # outside, no token
        ("10.0.0.7", False, "wrong", TOKEN, False),  # outside, wrong token
        ("10.0.0.7", False, TOKEN, TOKEN, True),  # outside, the token
        ("127.0.0.1", False, "wrong", TOKEN, False),  # a wrong token is refused anywhere
        ("10.0.0.7", False, TOKEN, "", False),  # no token configured: loopback only
        (None, False, None, "", False),  # no address at all
        ("not-an-ip", False, None, "", False),
    ],
)
def test_can_scrape_metrics(remote_addr, forwarded, presented, configured, allowed):
    assert (
        policies.can_scrape_metrics(
            remote_addr=remote_addr,
            forwarded=forwarded,
            presented_token=presented,
            metrics_token=configured,
        )
        is allowed
    )
