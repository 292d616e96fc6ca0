"""The audit log in the panel: read only, filterable, a CSV download of the filter."""

from __future__ import annotations

import csv
import io

import pytest

from tests.support.panel import Panel

AUDIT = "/admin/audit/"


@pytest.fixture
def signed_in(panel, admin) -> Panel:
    panel.sign_in(admin)
    return panel


@pytest.fixture
def two_actions(signed_in, make_user):
    """The panel deactivates one account and marks another verified: two audit rows."""
    bob = make_user(role="employer", email="bob@example.com")
    eve = make_user(role="candidate", email="eve@example.com", email_verified=False)
    for action, user in (("deactivate", bob), ("verify", eve)):
        signed_in.post(
            "/admin/users/action/",
            {"action": action, "rowid": [user.id]},
            from_page="/admin/users/",
        )
    return bob, eve


def test_the_panels_actions_are_in_the_log_newest_first(signed_in, two_actions, admin):
    html = signed_in.page(AUDIT)
    assert html.index("user.verified") < html.index("user.deactivated")
    assert 'data-action="user.deactivated"' in html and str(admin.id) in html


def test_filters_narrow_the_log(signed_in, two_actions):
    _, eve = two_actions
    only = signed_in.page(AUDIT + "?action=user.deactivated")
    assert "user.deactivated" in only and "user.verified" not in only
    target = signed_in.page(AUDIT + f"?target_type=user&target_id={eve.id}")
    assert "user.verified" in target and "user.deactivated" not in target
    assert "audit-empty" in signed_in.page(AUDIT + "?since=2999-01-01")
    assert "user.verified" in signed_in.page(AUDIT + "?since=2000-01-01&until=2999-01-01")


def test_the_csv_download_has_the_filtered_rows(signed_in, two_actions):
    bob, _ = two_actions
    response = signed_in.get(AUDIT + "csv?action=user.deactivated")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:5] == ["id", "at", "actor_id", "actor_role", "action"]
    assert [row[4] for row in rows[1:]] == ["user.deactivated"]
    assert rows[1][6] == str(bob.id)


@pytest.mark.parametrize("query", ["?since=yesterday", "?actor_id=abc", f"?actor_id={2**40}"])
def test_bad_filters_are_a_400(signed_in, query):
    assert signed_in.get(AUDIT + query).status_code == 400
    assert signed_in.get(AUDIT + "csv" + query).status_code == 400


@pytest.mark.parametrize("role", [None, "candidate", "employer"])
def test_only_admins_read_the_log(client, make_user, role):
    panel = Panel(client)
    if role:
        panel.sign_in_response(make_user(role=role).email)
    for path in (AUDIT, AUDIT + "csv"):
        response = panel.get(path)
        assert response.status_code == 302 and "/admin/login" in response.location


def test_the_log_has_no_way_to_change_it(signed_in, two_actions):
    for path in ("edit/?id=1", "delete/", "new/", "action/"):
        assert signed_in.get(AUDIT + path).status_code in (404, 405)
        assert signed_in.post(AUDIT + path, {"id": "1"}).status_code in (404, 405)
