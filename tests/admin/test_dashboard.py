"""The dashboard: the analytics numbers, as SVG charts with tables, under the panel's CSP."""

from __future__ import annotations

import re

from tests.support.panel import Panel


def _csp_nonce(response) -> str:
    return re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)


def test_the_dashboard_shows_the_last_30_days(panel, admin, make, make_user, company, candidate):
    job = make("job", company=company)
    make("job", company=company, moderation_status="pending")
    make("job", company=company, moderation_status="flagged")
    make("application", job=job, candidate=candidate)
    make("report", job=job, reporter=make_user(role="candidate"))
    panel.sign_in(admin)
    response = panel.get("/admin/")
    html = response.get_data(as_text=True)
    for section in ("signups", "jobs-posted", "applications", "hires", "moderation"):
        assert f'id="chart-{section}"' in html
    assert html.count("<svg") == 6
    # The numbers beside each chart: 30 days, today's row counts what was made today.
    tables = re.findall(r"<caption>([^<]+) per day</caption>", html)
    assert tables == ["Signups", "Jobs posted", "Applications", "Hires"]
    cards = dict(
        re.findall(
            r'small text-muted">([^<]+)</div>\s*<div class="value">(?:<a[^>]*>)?([^<]+)', html
        )
    )
    assert cards["Moderation queue"] == "2" and cards["Open reports"] == "1"
    assert "Applications: 1" in html and "Jobs posted: 3" in html


def test_the_charts_fit_the_csp_and_load_nothing(panel, admin):
    panel.sign_in(admin)
    response = panel.get("/admin/")
    html = response.get_data(as_text=True)
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "unsafe-inline" not in csp
    nonce = _csp_nonce(response)
    svg_styles = re.findall(r"<style([^>]*)>", html)
    assert svg_styles and all(f'nonce="{nonce}"' in attrs for attrs in svg_styles)
    scripts = re.findall(r"<script([^>]*)>", html)
    assert all(f'nonce="{nonce}"' in attrs or "src=" in attrs for attrs in scripts)
    assert not re.search(r'<svg[^>]*>(?:(?!</svg>).)*style="', html, re.DOTALL)
    sources = re.findall(r'(?:src|href)="([^"#]+)"', html)
    assert sources and all(s.startswith("/") for s in sources), sources


def test_anonymous_candidates_and_employers_never_see_the_numbers(client, make_user):
    for role in (None, "candidate", "employer"):
        panel = Panel(client)
        if role:
            panel.sign_in_response(make_user(role=role).email)
        response = panel.get("/admin/")
        assert response.status_code == 302 and "<svg" not in response.get_data(as_text=True)
