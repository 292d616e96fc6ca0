"""Relevance through the RUM index where it exists, and the GIN path where it does not.

PostgreSQL only (SQLite ranks with FTS5's bm25, see test_search.py). The session's schema
has the RUM index when the server has the extension (`make rum`); the fallback test drops
it with the CLI and restores it afterwards.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy import text

from jobhub import create_app
from jobhub.config import TestingConfig
from jobhub.db import db
from jobhub.jobs.search import models as fulltext

API = "/api/v1/jobs"

pytestmark = pytest.mark.postgres


def _rum_available(app) -> bool:
    with app.app_context():
        available = fulltext.rum_available(db.session.connection())
        db.session.rollback()
    return available


def _fresh_connections(app) -> None:
    """What a worker restart does: pooled connections detect the index again."""
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def corpus(make) -> dict[str, list[int]]:
    """Title hits, skill hits and description-only hits of "python", several of each rank
    (ties), and jobs that do not match."""
    company = make("company", name="Initech")
    kinds: dict[str, list[int]] = {"title": [], "skill": [], "description": []}
    for i in range(4):
        kinds["title"].append(
            make("job", company=company, title=f"Python Engineer {i}", description="Code.").id
        )
        kinds["skill"].append(
            make(
                "job",
                company=company,
                title=f"Backend Engineer {i}",
                description="Services.",
                skills=["python"],
            ).id
        )
        kinds["description"].append(
            make(
                "job",
                company=company,
                title=f"Office Manager {i}",
                description="Some python scripting helps.",
            ).id
        )
        make("job", company=company, title=f"Accountant {i}", description="Numbers.")
    return kinds


def _search(client, query: str) -> tuple[list[int], dict]:
    response = client.get(f"{API}?{query}")
    assert response.status_code == 200, response.get_json()
    return [job["id"] for job in response.get_json()], response.headers


def _walk(client, query: str, page_size: int) -> Iterator[list[int]]:
    cursor = ""
    for _ in range(50):
        ids, headers = _search(client, f"{query}&page_size={page_size}{cursor}")
        yield ids
        following = json.loads(headers["X-Pagination"]).get("next_cursor")
        if not following:
            return
        cursor = f"&cursor={following}"
    raise AssertionError("the cursor walk did not end")


def _assert_relevance_order(ids: list[int], corpus: dict[str, list[int]]) -> None:
    """Title hits, then skill hits, then description hits; within each (equal rank) the
    newest id first."""
    expected = [
        *sorted(corpus["title"], reverse=True),
        *sorted(corpus["skill"], reverse=True),
        *sorted(corpus["description"], reverse=True),
    ]
    assert ids == expected


def test_relevance_ranks_from_the_rum_index(app, client, corpus, count_queries):
    if not _rum_available(app):
        pytest.skip("the PostgreSQL server has no rum extension (make rum)")
    with count_queries() as statements:
        ids, _ = _search(client, "q=python&page_size=50")
    assert len(statements) == 1
    assert "<=>" in statements[0] and "ts_rank_cd" not in statements[0]
    _assert_relevance_order(ids, corpus)
    # Small pages by cursor and by number both give the same order, every match once,
    # ties (four of each rank) split across pages.
    walked = [job_id for page in _walk(client, "q=python", 3) for job_id in page]
    assert walked == ids
    numbered = [_search(client, f"q=python&page_size=3&page={n}")[0] for n in range(1, 5)]
    assert [job_id for page in numbered for job_id in page] == ids
    # The index serves the order (a top-k index scan, not a ranking of every match); on
    # a table this small the planner would rather read it all, so sorting is discouraged.
    with app.app_context():
        db.session.execute(text("SET LOCAL enable_seqscan = off"))
        db.session.execute(text("SET LOCAL enable_sort = off"))
        plan = db.session.execute(
            text(
                "EXPLAIN SELECT id FROM jobs WHERE search_vector @@ to_tsquery('english', "
                "'python') ORDER BY search_vector <=> to_tsquery('english', 'python') LIMIT 3"
            )
        ).scalars()
        assert any(fulltext.RUM_INDEX in line for line in plan)
        db.session.rollback()


def test_a_keyword_with_other_filters_ranks_on_the_gin_path(app, client, corpus, count_queries):
    if not _rum_available(app):
        pytest.skip("the PostgreSQL server has no rum extension (make rum)")
    with count_queries() as statements:
        ids, _ = _search(client, "q=python&page_size=50&remote=onsite")
    assert "ts_rank_cd" in statements[0] and "<=>" not in statements[0]
    assert ids and set(ids) <= {job_id for kind in corpus.values() for job_id in kind}


def test_a_relevance_cursor_of_one_path_is_refused_by_the_other(app, client, runner, corpus):
    if not _rum_available(app):
        pytest.skip("the PostgreSQL server has no rum extension (make rum)")
    _, headers = _search(client, "q=python&page_size=2")
    rum_cursor = json.loads(headers["X-Pagination"])["next_cursor"]
    try:
        assert runner.invoke(args=["search", "rum-index", "--drop"]).exit_code == 0
        _fresh_connections(app)
        response = client.get(f"{API}?q=python&page_size=2&cursor={rum_cursor}")
        assert response.status_code == 400
        assert "cursor" in response.get_json()["errors"]["query"]
    finally:
        assert runner.invoke(args=["search", "rum-index"]).exit_code == 0
        _fresh_connections(app)


def test_without_the_rum_index_relevance_ranks_every_match(
    app, client, runner, corpus, count_queries
):
    had_rum = _rum_available(app)
    try:
        result = runner.invoke(args=["search", "rum-index", "--drop"])
        assert result.exit_code == 0, result.output
        _fresh_connections(app)
        with count_queries() as statements:
            ids, _ = _search(client, "q=python&page_size=50")
        assert len(statements) == 1
        assert "ts_rank_cd" in statements[0] and "<=>" not in statements[0]
        _assert_relevance_order(ids, corpus)
        walked = [job_id for page in _walk(client, "q=python", 3) for job_id in page]
        assert walked == ids
    finally:
        if had_rum:
            result = runner.invoke(args=["search", "rum-index"])
            assert result.exit_code == 0, result.output
            _fresh_connections(app)


def test_the_cli_says_when_the_index_cannot_be_made(app, runner):
    if _rum_available(app):
        result = runner.invoke(args=["search", "rum-index"])
        assert result.exit_code == 0 and "ready" in result.output
    else:
        result = runner.invoke(args=["search", "rum-index"])
        assert result.exit_code == 1 and "not created" in result.output


@pytest.fixture
def unprivileged_database_url(backend) -> Iterator[str]:
    """A fresh database owned by a role that may not create the (untrusted) rum extension."""
    admin = sa.create_engine(backend.admin_url, isolation_level="AUTOCOMMIT")
    name = f"jobhub_norum_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.execute(sa.text(f"CREATE ROLE {name} LOGIN PASSWORD '{name}'"))
        connection.execute(sa.text(f'CREATE DATABASE "{name}" OWNER {name}'))
    try:
        yield (
            sa.engine.make_url(backend.admin_url)
            .set(database=name, username=name, password=name)
            .render_as_string(hide_password=False)
        )
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(sa.text(f"DROP ROLE IF EXISTS {name}"))
        admin.dispose()


def test_the_migration_succeeds_where_rum_cannot_be_created(backend, unprivileged_database_url):
    app = create_app(TestingConfig(backend.environ(DATABASE_URL=unprivileged_database_url)))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["search", "rum-index"])
    assert result.exit_code == 1 and "not created" in result.output
    with app.app_context():
        present = db.session.scalar(text("SELECT to_regclass('ix_jobs_search_rum') IS NOT NULL"))
        db.session.remove()
        db.engine.dispose()
    assert present is False
