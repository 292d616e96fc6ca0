"""An admin runs the moderation queue in a real browser (Debian's chromium), offline.

Set ``JOBHUB_SCREENSHOTS=docs/screenshots`` to refresh the README's screenshots of the
dashboard and the queue (otherwise they go to the test's own folder only).
"""

from __future__ import annotations

import os
import shutil
from datetime import timedelta
from pathlib import Path

import pytest

from jobhub.db import utcnow
from tests.factories import DEFAULT_PASSWORD

pytestmark = [pytest.mark.slow, pytest.mark.postgres]
SCREENSHOTS = os.environ.get("JOBHUB_SCREENSHOTS")


def _keep(path: Path, name: str, project_root: Path) -> None:
    if SCREENSHOTS:
        target = project_root / SCREENSHOTS
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target / name)


def _board(make, make_user, employer):
    """A board with a month of history, and two jobs waiting for a decision."""
    now = utcnow()
    company = make("company", owner=employer, name="Acme Robotics")
    for day in range(0, 30, 2):
        when = now - timedelta(days=day)
        make_user(role="candidate", created_at=when)
        make("job", company=company, published_at=when, title=f"Engineer {day}")
    scam = make(
        "job",
        company=company,
        title="Earn $5000 a week from home",
        moderation_status="pending",
        updated_at=now - timedelta(days=2),
    )
    fine = make(
        "job",
        company=company,
        title="Warehouse Robotics Technician",
        moderation_status="pending",
        updated_at=now - timedelta(days=1),
    )
    return scam, fine


def test_an_admin_rejects_one_job_and_approves_another_in_the_browser(
    live_server, browse, make, make_user, employer, api, project_root
):
    admin = make_user(role="admin", email="boss@example.com")
    scam, fine = _board(make, make_user, employer)
    page = browse(live_server.url)

    page.goto("/admin/moderation/")  # to sign-in, and back here after it
    page.page.fill("input[name=email]", admin.email)
    page.page.fill("input[name=password]", DEFAULT_PASSWORD)
    with page.page.expect_navigation(wait_until="networkidle"):
        page.page.click("button[type=submit]")
    assert page.page.url == page.url("/admin/moderation/")
    _keep(page.screenshot("queue"), "admin-moderation-queue.png", project_root)

    rejected_row = page.page.locator(f"#job-{scam.id}")
    rejected_row.locator("select[name=reason_code]").select_option("scam")
    rejected_row.locator("textarea[name=message]").fill("Asks applicants to pay a fee.")
    with page.page.expect_navigation(wait_until="networkidle"):
        rejected_row.locator(".reject-form button").click()
    assert "Rejected" in page.page.locator(".alert").first.inner_text()

    with page.page.expect_navigation(wait_until="networkidle"):
        page.page.locator(f"#job-{fine.id} .approve-form button").click()
    assert "Approved" in page.page.locator(".alert").first.inner_text()
    assert page.page.locator("#queue-empty").is_visible()
    page.assert_clean()

    page.goto("/admin/")
    assert page.page.locator("#chart-signups svg").is_visible()
    _keep(page.screenshot("dashboard"), "admin-dashboard.png", project_root)
    page.assert_clean()

    # Outside the panel: the approved job is in public search, the rejected one is not,
    # and the rejected job's employer was told why.
    found = [job["id"] for job in api("GET", None, "/jobs?q=Robotics%20Technician")]
    assert fine.id in found and scam.id not in found
    notes = [n for n in api("GET", employer, "/notifications") if n["type"] == "job.moderated"]
    rejection = next(n for n in notes if n["data"]["job_id"] == scam.id)
    assert rejection["data"]["decision"] == "reject"
    assert "Asks applicants to pay a fee." in rejection["body"]

    page.page.click("#sign-out")
    page.page.wait_for_url(page.url("/admin/login"))
    page.goto("/admin/moderation/")
    assert "/admin/login" in page.page.url
