"""flask seed --jobs N: realistic companies and jobs, bulk-inserted, topped up on re-run."""

from __future__ import annotations

from sqlalchemy import func, select

from jobhub import skills as taxonomy
from jobhub.companies.models import Company, CompanyMember
from jobhub.db import db
from jobhub.jobs.models import Job, JobSkill
from jobhub.jobs.saved_searches.models import SavedSearch


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_seed_jobs_is_idempotent_and_tops_up(app, runner, client):
    first = runner.invoke(args=["seed", "--jobs", "120"])
    assert first.exit_code == 0, first.output
    assert "120 jobs" in first.output
    companies = _count(app, Company)
    assert _count(app, Job) == 120 and companies >= 5
    assert _count(app, SavedSearch) == 3

    again = runner.invoke(args=["seed", "--jobs", "120"])
    assert "already present" in again.output
    assert (_count(app, Job), _count(app, Company)) == (120, companies)

    more = runner.invoke(args=["seed", "--jobs", "150"])
    assert "30 jobs" in more.output and _count(app, Job) == 150


def test_seeded_jobs_are_realistic_and_searchable(app, runner, client):
    runner.invoke(args=["seed", "--jobs", "200"])
    with app.app_context():
        jobs = db.session.scalars(select(Job)).all()
        assert all(job.title and job.description and job.location for job in jobs)
        assert all(taxonomy.canonical(skill) for job in jobs for skill in job.skills)
        with_salary = [job for job in jobs if job.salary_min is not None]
        assert with_salary and all(
            job.salary_currency and job.salary_min <= job.salary_max for job in with_salary
        )
        skill_rows = db.session.scalar(select(func.count()).select_from(JobSkill))
        assert skill_rows == sum(len(job.skills) for job in jobs)
        owners = db.session.scalar(select(func.count()).select_from(CompanyMember))
        assert owners == 3  # the demo employers own the demo companies
    found = client.get("/api/v1/jobs?q=engineer&page_size=5")
    assert found.status_code == 200 and len(found.get_json()) == 5
