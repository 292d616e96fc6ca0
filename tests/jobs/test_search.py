"""GET /jobs: full text, every filter and sort, page and cursor pagination."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event, select, text

from jobhub.db import db, utcnow

API = "/api/v1/jobs"


def _titles(client, query: str = "", headers=None) -> list[str]:
    response = client.get(f"{API}?page_size=100&{query}", headers=headers or {})
    assert response.status_code == 200, response.get_json()
    return [job["title"] for job in response.get_json()]


@pytest.fixture
def corpus(make, make_user):
    now = utcnow()
    acme = make("company", name="Acme Robotics", owner=make_user(role="employer"))
    globex = make("company", name="Globex Analytics")
    jobs = [
        make(
            "job",
            company=acme,
            title="Senior Python Developer",
            description="Build robot control services.",
            location="Berlin, Germany",
            country="DE",
            remote="hybrid",
            seniority="senior",
            salary_min=70_000,
            salary_max=90_000,
            salary_currency="EUR",
            skills=["python", "django", "postgresql"],
            published_at=now - timedelta(days=1),
        ),
        make(
            "job",
            company=globex,
            title="Data Analyst",
            description="Reporting with Python notebooks and dashboards.",
            location="Remote (EU)",
            country="PT",
            remote="remote",
            employment_type="contract",
            seniority="mid",
            salary_min=40_000,
            salary_max=55_000,
            salary_currency="EUR",
            skills=["sql", "tableau"],
            published_at=now - timedelta(days=3),
        ),
        make(
            "job",
            company=globex,
            title="Frontend Engineer",
            description="React and TypeScript for our analytics UI.",
            location="Lisbon, Portugal",
            country="PT",
            remote="onsite",
            seniority="junior",
            skills=["react", "typescript", "javascript"],
            published_at=now - timedelta(days=10),
        ),
        make(
            "job",
            company=acme,
            title="Embedded Intern",
            description="C firmware for our arms.",
            location="Munich",
            country="DE",
            employment_type="internship",
            seniority="intern",
            salary_min=20_000,
            salary_currency="USD",
            skills=["c"],
            published_at=now - timedelta(days=40),
        ),
    ]
    return {"acme": acme, "globex": globex, "jobs": jobs}


ALL = ["Senior Python Developer", "Data Analyst", "Frontend Engineer", "Embedded Intern"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ALL),
        ("location=berlin", ["Senior Python Developer"]),
        ("location=PORTUGAL", ["Frontend Engineer"]),
        ("location=100%25", []),
        ("country=pt", ["Data Analyst", "Frontend Engineer"]),
        ("remote=remote", ["Data Analyst"]),
        ("remote=hybrid", ["Senior Python Developer"]),
        ("employment_type=internship", ["Embedded Intern"]),
        ("seniority=junior", ["Frontend Engineer"]),
        ("salary_min=50000", ["Senior Python Developer", "Data Analyst"]),
        ("salary_min=60000&salary_currency=eur", ["Senior Python Developer"]),
        ("salary_currency=USD", ["Embedded Intern"]),
        ("skills=python", ["Senior Python Developer"]),
        ("skills=Postgres,python", ["Senior Python Developer"]),
        ("skills=js&skills=react", ["Frontend Engineer"]),
        ("skills=python,react", []),
        ("posted_within_days=7", ["Senior Python Developer", "Data Analyst"]),
        ("q=python", ["Senior Python Developer", "Data Analyst"]),
        ("q=analytics", ["Data Analyst", "Frontend Engineer"]),
        ("q=globex", ["Data Analyst", "Frontend Engineer"]),
        ("q=django", ["Senior Python Developer"]),
        ('q="robot control"', ["Senior Python Developer"]),
        ("q=python -notebooks", ["Senior Python Developer"]),
        ("q=firmware or typescript", ["Frontend Engineer", "Embedded Intern"]),
        ("q=the", []),
        ("q=python&country=DE&remote=hybrid&skills=django", ["Senior Python Developer"]),
    ],
)
def test_filters(client, corpus, query, expected):
    assert _titles(client, query + ("&sort=newest" if "q=" in query else "")) == expected


def test_skills_bounds_hold_for_the_values_as_sent(client, corpus):
    # 30 values (the documented maximum), each a comma list: 31 skills after splitting,
    # more than any job lists, so nothing matches; not a 422 for schema-valid input.
    sent = "&".join(f"skills=python,s{n}" for n in range(30))
    assert _titles(client, sent) == []
    assert _titles(client, "&".join(["skills=python,django"] * 30)) == ["Senior Python Developer"]
    too_many = client.get(f"{API}?" + "&".join(["skills=python"] * 31))
    assert too_many.status_code == 422
    too_long = client.get(f"{API}?skills=" + ",".join(["python"] * 20))  # 139 characters
    assert too_long.status_code == 422
    assert client.get(f"{API}?skills=").status_code == 422


def test_company_filter(client, corpus):
    titles = _titles(client, f"company_id={corpus['acme'].id}")
    assert titles == ["Senior Python Developer", "Embedded Intern"]


def test_sorts(client, corpus):
    assert _titles(client, "sort=newest") == ALL
    assert _titles(client) == ALL  # newest is the default without q
    assert _titles(client, "sort=salary") == [
        "Senior Python Developer",
        "Data Analyst",
        "Embedded Intern",
        "Frontend Engineer",  # no salary: last
    ]
    assert _titles(client, "sort=relevance") == ALL  # relevance without q: newest


def test_a_title_match_outranks_a_description_match(client, make):
    company = make("company", name="Initech")
    now = utcnow()
    make(
        "job",
        company=company,
        title="Office Manager",
        description="Keep the office running; some kubernetes exposure helps.",
        published_at=now,
    )
    make(
        "job",
        company=company,
        title="Kubernetes Platform Engineer",
        description="Run our clusters.",
        published_at=now - timedelta(days=5),
    )
    make("job", company=company, title="Accountant", description="Numbers.", published_at=now)
    assert _titles(client, "q=kubernetes") == ["Kubernetes Platform Engineer", "Office Manager"]
    assert _titles(client, "q=kubernetes&sort=newest") == [
        "Office Manager",
        "Kubernetes Platform Engineer",
    ]


@pytest.mark.parametrize(
    "query",
    ["sort=popular", "page_size=101", "page=0", "remote=mars", "salary_min=-1", "country=DEU"],
)
def test_bad_parameters_are_422(client, query):
    response = client.get(f"{API}?{query}")
    assert response.status_code == 422
    assert response.get_json()["error"] == "validation_error"


@pytest.mark.parametrize(
    "query", ["country=", "remote=", "seniority=", "salary_min=", "sort=", "salary_currency="]
)
def test_an_empty_value_is_validated_as_sent(client, query):
    """Only the text filters (q, location) take "" as "not filtered" (issue 11): the
    document's enums and patterns do not allow an empty value, so neither does the server."""
    response = client.get(f"{API}?{query}")
    assert response.status_code == 422, response.get_json()
    assert list(response.get_json()["errors"]["query"]) == [query.rstrip("=")]


def test_empty_text_filters_mean_not_filtered(client, corpus):
    assert _titles(client, "q=&location=") == _titles(client)


def test_the_country_pattern_says_any_case(client, corpus):
    spec = client.get("/api/openapi.json").get_json()
    (param,) = [p for p in spec["paths"][API]["get"]["parameters"] if p["name"] == "country"]
    assert param["schema"]["pattern"] == "^[A-Za-z]{2}$"
    assert _titles(client, "country=pt") == _titles(client, "country=PT")


def test_page_mode_header(client, corpus):
    response = client.get(f"{API}?page_size=3&page=1")
    meta = json.loads(response.headers["X-Pagination"])
    assert (meta["total"], meta["total_pages"], meta["page"], meta["next_page"]) == (4, 2, 1, 2)
    assert meta["next_cursor"]
    second = client.get(f"{API}?page_size=3&page=2")
    assert [j["title"] for j in second.get_json()] == ["Embedded Intern"]
    assert "next_cursor" not in json.loads(second.headers["X-Pagination"])


def _walk(client, query: str, page_size: int, between=None) -> list[int]:
    seen: list[int] = []
    response = client.get(f"{API}?{query}&page_size={page_size}")
    while True:
        assert response.status_code == 200, response.get_json()
        seen.extend(job["id"] for job in response.get_json())
        cursor = json.loads(response.headers["X-Pagination"]).get("next_cursor")
        if not cursor:
            return seen
        if between:
            between()
        response = client.get(f"{API}?{query}&page_size={page_size}&cursor={cursor}")


@pytest.mark.parametrize("sort", ["newest", "salary"])
def test_cursor_returns_every_job_once_while_jobs_are_added(client, make, sort):
    company = make("company")
    now = utcnow()
    original = [
        make(
            "job",
            company=company,
            published_at=now - timedelta(hours=i),
            salary_min=1000 * (i % 5) or None,
            salary_currency="EUR",
        ).id
        for i in range(23)
    ]
    added: list[int] = []

    def add_job() -> None:
        added.append(make("job", company=company, salary_min=2500, salary_currency="EUR").id)

    seen = _walk(client, f"sort={sort}", 5, between=add_job)
    assert len(seen) == len(set(seen)), "a job was returned twice"
    assert set(original) <= set(seen)
    assert set(seen) <= set(original) | set(added)


def test_relevance_cursor_pages_through_every_match(client, make):
    company = make("company")
    for i in range(12):
        make(
            "job",
            company=company,
            title="Python Engineer" if i % 3 == 0 else f"Engineer {i}",
            description="python " * (i % 4 + 1),
        )
    seen = _walk(client, "q=python", 5)
    assert len(seen) == 12 == len(set(seen))
    first_page = client.get(f"{API}?q=python&page_size=12").get_json()
    assert [job["id"] for job in first_page] == seen


def test_cursors_are_validated(client, corpus):
    response = client.get(f"{API}?page_size=2&sort=newest")
    cursor = json.loads(response.headers["X-Pagination"])["next_cursor"]
    payload, signature = cursor.split(".")
    forged = payload[:-2] + ("AA" if payload[-2:] != "AA" else "BB") + "." + signature
    for bad in ("garbage", "a.b", forged, cursor + "x"):
        bad_response = client.get(f"{API}?page_size=2&sort=newest&cursor={bad}")
        assert bad_response.status_code == 400, bad
        assert bad_response.get_json()["error"] == "bad_request"
    other_search = client.get(f"{API}?page_size=2&sort=salary&cursor={cursor}")
    assert other_search.status_code == 400
    ok = client.get(f"{API}?page_size=2&sort=newest&cursor={cursor}")
    assert [j["title"] for j in ok.get_json()] == ["Frontend Engineer", "Embedded Intern"]


def test_query_count_does_not_grow_with_page_size(client, make, count_queries):
    company = make("company")
    for _ in range(30):
        make("job", company=company, skills=["python"])
    counts = []
    for size in (3, 30):
        with count_queries() as queries:
            response = client.get(f"{API}?page_size={size}&skills=python")
        assert len(response.get_json()) == size
        counts.append(len(queries))
    # page and count in one statement
    assert counts == [1, 1]


def _statements(app, url: str, client) -> tuple[Any, list[tuple[str, Any]]]:
    """The response and each statement with the isolation level it ran under."""
    with app.app_context():
        engine = db.engine
    seen: list[tuple[str, Any]] = []

    def record(conn, _cursor, statement, *_args) -> None:
        seen.append((statement, conn.get_execution_options().get("isolation_level")))

    event.listen(engine, "before_cursor_execute", record)
    try:
        response = client.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert response.status_code == 200, response.get_json()
    return response, seen


def test_an_anonymous_search_is_one_statement_outside_a_transaction(app, client, make):
    company = make("company")
    for _ in range(7):
        make("job", company=company)
    first, seen = _statements(app, f"{API}?page_size=3", client)
    assert [level for _, level in seen] == ["AUTOCOMMIT"]
    assert json.loads(first.headers["X-Pagination"])["total"] == 7
    cursor = json.loads(first.headers["X-Pagination"])["next_cursor"]
    _, seen = _statements(app, f"{API}?page_size=3&cursor={cursor}", client)
    assert len(seen) == 1 and "count(" not in seen[0][0]
    # Past the last page: no rows to carry the count, so it is asked for on its own.
    past, seen = _statements(app, f"{API}?page_size=3&page=5", client)
    assert past.get_json() == [] and len(seen) == 2
    assert json.loads(past.headers["X-Pagination"])["total"] == 7


def test_a_listed_job_loads_only_what_the_list_shows(app, client, make):
    make("job", company=make("company", description="A long company story."))
    _, seen = _statements(app, API, client)
    statement = seen[-1][0]
    for hidden in ("search_vector", "company_name", "moderated_by_id", "companies.description"):
        assert hidden not in statement
    assert "jobs.description" in statement


@pytest.mark.postgres
def test_statements_are_planned_for_their_values(app):
    with app.app_context():
        assert db.session.scalar(text("SHOW plan_cache_mode")) == "force_custom_plan"
        db.session.rollback()


def test_company_rename_is_searchable(client, auth_headers, make, make_user):
    owner = make_user(role="employer")
    company = make("company", owner=owner, name="Old Name Ltd")
    make("job", company=company, title="Welder")
    client.patch(
        f"/api/v1/companies/{company.id}", json={"name": "Zyxwidget"}, headers=auth_headers(owner)
    )
    assert _titles(client, "q=zyxwidget") == ["Welder"]
    assert _titles(client, "q=old") == []


@pytest.mark.postgres
def test_relevance_cursor_is_stable_while_jobs_are_added(client, make):
    # ts_rank_cd depends only on the row and the query, so added jobs move no cursor.
    company = make("company")
    original = [
        make("job", company=company, title=f"Role {i}", description="python " * (i % 4 + 1)).id
        for i in range(14)
    ]
    added: list[int] = []

    def add_job() -> None:
        added.append(make("job", company=company, title="Python Lead", description="python").id)

    seen = _walk(client, "q=python", 4, between=add_job)
    assert len(seen) == len(set(seen))
    assert set(original) <= set(seen) <= set(original) | set(added)


def test_totals_are_capped(client, make, monkeypatch):
    from jobhub.jobs.search import queries as search

    monkeypatch.setattr(search, "COUNT_CAP", 5)
    company = make("company")
    for _ in range(7):
        make("job", company=company)
    meta = json.loads(client.get(f"{API}?page_size=2").headers["X-Pagination"])
    assert (meta["total"], meta["total_pages"], meta["total_capped"]) == (5, 3, True)
    exact = json.loads(client.get(f"{API}?page_size=2&company_id=999").headers["X-Pagination"])
    assert exact["total"] == 0 and "total_capped" not in exact


def test_the_compiled_dump_writes_what_marshmallow_writes(app, client, make):
    import marshmallow as ma
    from sqlalchemy.orm import joinedload

    from jobhub.jobs.models import Job
    from jobhub.jobs.schemas import JobSchema

    company = make("company", name="Zürich Ünïcode 😀")
    make("job", company=company, salary_min=None, salary_currency=None, location=None)
    make("job", company=company, skills=["python", "ça"], salary_min=10, salary_currency="EUR")
    listed = client.get(f"{API}?sort=newest")
    assert len(listed.get_json()) == 2
    with app.app_context():
        jobs = db.session.scalars(
            select(Job)
            .options(joinedload(Job.company))
            .where(Job.id.in_([j["id"] for j in listed.get_json()]))
        ).all()
        schema = JobSchema(many=True)
        assert schema.dump(jobs) == ma.Schema.dump(schema, jobs)
        by_id = {job["id"]: job for job in ma.Schema.dump(schema, jobs)}
    assert listed.get_json() == [by_id[j["id"]] for j in listed.get_json()]
