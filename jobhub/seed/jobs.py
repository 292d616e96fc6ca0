"""Demo companies, jobs and saved searches for ``flask seed --jobs N``.

The demo companies and saved searches go through their services. Jobs (up to 100,000 for
the benchmarks) are generated in memory from role families (titles, taxonomy skills,
salaries in the location's currency) and written through the bulk path (``seed.bulk``;
on PostgreSQL the search trigger fills the ``tsvector`` row by row), as are the
generated companies. Re-running tops the jobs up to N and never duplicates a company.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import datetime, timedelta
from importlib import resources
from typing import Any

from sqlalchemy import func, select

from jobhub import skills as taxonomy
from jobhub.companies import services as company_services
from jobhub.companies.models import Company, CompanySize
from jobhub.db import db, utcnow
from jobhub.jobs.models import Job, JobSkill
from jobhub.jobs.saved_searches.models import SavedSearch
from jobhub.jobs.saved_searches.services import create_saved_search
from jobhub.seed import bulk
from jobhub.users import services as users

# (name, slug, verified, size, location, demo owner's first name)
DEMO_COMPANIES = [
    ("Northwind Labs", "northwind-labs", True, CompanySize.M, "Berlin, Germany", "erin"),
    ("Bluefin Health", "bluefin-health", False, CompanySize.S, "Lisbon, Portugal", "farid"),
    ("Cedar Robotics", "cedar-robotics", True, CompanySize.L, "Stockholm, Sweden", "grace"),
]
_DATA = json.loads(resources.files(__package__).joinpath("data/jobs.json").read_text("utf-8"))


def _skills(names: list[str]) -> list[str]:
    """Canonical taxonomy names (the data file may use aliases)."""
    return [skill for skill in taxonomy.normalize(names) if taxonomy.canonical(skill)]


NAME_HEADS: list[str] = _DATA["name_heads"]
NAME_TAILS: list[str] = _DATA["name_tails"]
FAMILIES = [
    (f["title"], _skills(f["required"]), _skills(f["nice_to_have"]), f["focus"])
    for f in _DATA["role_families"]
]
LEVELS = [(lv["seniority"], lv["prefix"], lv["base_eur"], lv["weight"]) for lv in _DATA["levels"]]
PLACES = [(p["location"], p["country"], p["currency"], p["factor"]) for p in _DATA["places"]]
EMPLOYMENT = [(e["value"], e["weight"]) for e in _DATA["employment_types"]]
REMOTE = [(r["value"], r["weight"]) for r in _DATA["remote"]]
BENEFITS: list[str] = _DATA["benefits"]


def _weighted(rng: random.Random, options: list[tuple]) -> tuple:
    return rng.choices(options, weights=[o[-1] for o in options])[0]


def ensure_companies(*, count: int, report: Any) -> list[tuple[int, str, bool]]:
    """The demo companies (owned by the demo employers) plus ``count`` generated ones.

    A demo company whose demo employer exists is created through the companies service
    (which makes them its owner); the rest are written in bulk.
    """
    existing = {
        slug
        for slug in db.session.scalars(select(Company.slug).where(Company.deleted_at.is_(None)))
    }
    rows = []
    created = 0
    for name, slug, verified, size, location, owner_first in DEMO_COMPANIES:
        if slug in existing:
            continue
        fields = {"verified": verified, "size": size, "location": location}
        fields["description"] = f"{name} builds software people rely on."
        owner = users.get_user_by_email(email=f"{owner_first}.employer@jobhub.local")
        if owner is None:
            rows.append({"name": name, "slug": slug, **fields})
        else:
            company_services.create_company(actor=owner, name=name, slug=slug, **fields)
            created += 1
        existing.add(slug)
    rows += _generated_companies(count, existing)
    bulk.insert_rows(Company, rows)
    report.add("companies", created + len(rows))
    return [
        (cid, name, verified)
        for cid, name, verified in db.session.execute(
            select(Company.id, Company.name, Company.verified)
            .where(Company.deleted_at.is_(None))
            .order_by(Company.id)
        )
    ]


def _generated_companies(count: int, existing: set[str]) -> list[dict[str, Any]]:
    rows = []
    for index in range(count):
        head = NAME_HEADS[index % len(NAME_HEADS)]
        tail = NAME_TAILS[(index // len(NAME_HEADS)) % len(NAME_TAILS)]
        round_ = index // (len(NAME_HEADS) * len(NAME_TAILS))
        name = f"{head} {tail}" + (f" {round_ + 1}" if round_ else "")
        slug = name.lower().replace(" ", "-")
        if slug in existing:
            continue
        rng = random.Random(slug)
        place = rng.choice(PLACES)
        rows.append(
            {
                "name": name,
                "slug": slug,
                "verified": rng.random() < 0.8,
                "location": place[0],
                "size": rng.choice(list(CompanySize)),
                "website": f"https://{slug}.example",
                "description": f"{name} is a {tail.lower()} company based in {place[0]}.",
            }
        )
    return rows


def _job_rows(
    n: int, companies: list[tuple[int, str, bool]], rng: random.Random, now: datetime
) -> Iterator[dict[str, Any]]:
    for _ in range(n):
        company_id, company_name, verified = rng.choice(companies)
        title, required, nice, focus = rng.choice(FAMILIES)
        seniority, prefix, base, _weight = _weighted(rng, LEVELS)
        location, country, currency, factor = rng.choice(PLACES)
        employment = "internship" if seniority == "intern" else _weighted(rng, EMPLOYMENT)[0]
        remote = _weighted(rng, REMOTE)[0]
        skills = rng.sample(required, k=min(len(required), rng.randint(2, 5)))
        extras = [
            s for s in rng.sample(nice, k=min(len(nice), rng.randint(0, 3))) if s not in skills
        ]
        published = now - timedelta(minutes=rng.randint(0, 60 * 24 * 59))
        roll = rng.random()
        status, moderation = "published", "approved" if verified else "pending"
        if roll < 0.04:
            status, moderation, published = "draft", "pending", None
        elif roll < 0.07:
            status = "closed"
        elif not verified and roll < 0.5:
            moderation = "approved"
        salary_min = salary_max = None
        if rng.random() < 0.85:
            low = int(base * factor * rng.uniform(0.9, 1.1) / 1000) * 1000
            salary_min, salary_max = low, int(low * rng.uniform(1.1, 1.35) / 1000) * 1000
        full_title = f"{prefix} {title}".strip()
        benefits = ", ".join(rng.sample(BENEFITS, 3))
        description = (
            f"{company_name} is hiring a {full_title} in {location.split(',')[0]} "
            f"({remote.replace('_', ' ')}). You will {focus}. "
            f"You are comfortable with {', '.join(skills)}"
            + (f"; {', '.join(extras)} would be a plus" if extras else "")
            + f". We offer {benefits}. "
            "Tell us about something you built and what you learned from it."
        )
        yield {
            "company_id": company_id,
            "company_name": company_name,
            "title": full_title,
            "description": description,
            "location": location,
            "country": country,
            "remote": remote,
            "employment_type": employment,
            "seniority": seniority,
            "salary_min": salary_min,
            "salary_max": salary_max,
            "salary_currency": currency if salary_min is not None else None,
            "skills": skills,
            "nice_to_have_skills": extras,
            "status": status,
            "moderation_status": moderation,
            "published_at": published,
            "expires_at": (published or now) + timedelta(days=60),
            "closed_at": now if status == "closed" else None,
            "views": rng.randint(0, 400) if published else 0,
            "applications_count": 0,
            "created_at": published or now,
            "updated_at": now,
        }


def seed_jobs(*, jobs: int, report: Any) -> None:
    """Top the jobs up to ``jobs`` (and the companies to one per hundred jobs)."""
    companies = ensure_companies(count=min(max(jobs // 100, 5), 2000), report=report)
    existing = db.session.scalar(select(func.count()).select_from(Job))
    missing = jobs - existing
    if missing > 0:
        rng = random.Random(existing)
        rows = list(_job_rows(missing, companies, rng, utcnow()))
        ids = bulk.Ids(Job, len(rows))
        for row in rows:
            row["id"] = ids.take()
        bulk.insert_rows(Job, rows)
        skills = [{"job_id": row["id"], "skill": skill} for row in rows for skill in row["skills"]]
        bulk.insert_rows(JobSkill, skills)
        report.add("jobs", len(rows))
    seed_saved_searches(report=report)
    db.session.flush()


DEMO_SEARCHES = [
    ("alice", "Python in Berlin", {"q": "python", "location": "berlin"}),
    ("bilal", "Remote React", {"skills": ["react"], "remote": "remote"}),
    ("chen", "Senior data roles", {"q": "data", "seniority": "senior"}),
]


def seed_saved_searches(*, report: Any) -> None:
    """A few alerting saved searches for the demo candidates."""
    created = 0
    for first, name, params in DEMO_SEARCHES:
        user = users.get_user_by_email(email=f"{first}.candidate@jobhub.local")
        if user is None or db.session.scalar(
            select(SavedSearch.id).where(SavedSearch.user_id == user.id, SavedSearch.name == name)
        ):
            continue
        create_saved_search(user=user, data={"name": name, "alert": True, **params})
        created += 1
    report.add("saved searches", created)
