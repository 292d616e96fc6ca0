"""Account deletion (jobhub.signals.account_deleted) and what it does to companies."""

from __future__ import annotations

from sqlalchemy import func, select

from jobhub import signals
from jobhub.companies.models import Company, CompanyMember, MemberRole
from jobhub.db import db, transaction
from jobhub.jobs.models import Job
from jobhub.jobs.saved_searches.models import SavedSearch
from jobhub.users.models import User


def _delete_account(app, user_id: int) -> None:
    with app.app_context(), transaction():
        signals.account_deleted.send(app, user=db.session.get(User, user_id))


def test_sole_owner_hands_the_company_to_the_longest_standing_member(app, make, make_user):
    owner = make_user(role="employer")
    first = make_user(role="employer")
    second = make_user(role="employer")
    company = make("company", owner=owner)
    make("member", company=company, user=first)
    make("member", company=company, user=second)
    _delete_account(app, owner.id)
    with app.app_context():
        roles = dict(
            db.session.execute(
                select(CompanyMember.user_id, CompanyMember.role).where(
                    CompanyMember.company_id == company.id
                )
            ).all()
        )
        assert roles == {first.id: MemberRole.OWNER, second.id: MemberRole.RECRUITER}
        assert db.session.get(Company, company.id).deleted_at is None


def test_a_company_left_with_nobody_is_deleted_with_its_jobs(app, make, make_user):
    owner = make_user(role="employer")
    company = make("company", owner=owner)
    job = make("job", company=company)
    _delete_account(app, owner.id)
    with app.app_context():
        assert db.session.get(Company, company.id).deleted_at is not None
        assert db.session.get(Job, job.id).deleted_at is not None


def test_co_owned_companies_live_on(app, make, make_user):
    owner = make_user(role="employer")
    co_owner = make_user(role="employer")
    company = make("company", owner=owner)
    make("member", company=company, user=co_owner, role="owner")
    _delete_account(app, owner.id)
    with app.app_context():
        members = db.session.scalars(select(CompanyMember.user_id)).all()
        assert members == [co_owner.id]
        assert db.session.get(Company, company.id).deleted_at is None


def test_saved_searches_are_removed(app, make, make_user):
    candidate = make_user(role="candidate")
    other = make_user(role="candidate")
    make("saved_search", user=candidate, q="python")
    make("saved_search", user=other, q="rust")
    _delete_account(app, candidate.id)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SavedSearch)) == 1


def test_deleting_an_account_through_the_api_reaches_companies_and_searches(
    app, client, make, make_user, auth_headers
):
    from tests.factories import DEFAULT_PASSWORD

    owner = make_user(role="employer")
    company = make("company", owner=owner)
    job = make("job", company=company)
    response = client.delete(
        "/api/v1/users/me", json={"password": DEFAULT_PASSWORD}, headers=auth_headers(owner)
    )
    assert response.status_code == 200, response.get_json()
    assert client.get(f"/api/v1/jobs/{job.id}").status_code == 404
    assert client.get(f"/api/v1/companies/{company.id}").status_code == 404
