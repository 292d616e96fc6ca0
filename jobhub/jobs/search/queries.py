"""Job search in SQL: full text, filters, sorts, and keyset cursors.

Relevance is ``ts_rank_cd`` over the weighted ``tsvector`` on PostgreSQL and ``bm25``
over FTS5 on SQLite. Every sort is a keyset on ``(sort key, id)``, both descending, so
a cursor page costs the same at any depth.

Where the RUM index exists (``models.RUM_INDEX``, feature-detected per connection),
relevance is RUM's distance ``search_vector <=> query`` instead (smaller first, ties by
id descending), and the page is taken from the index's own rank order rather than by
ranking every match: see ``_ranked_by_rum``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import (
    REAL,
    ColumnElement,
    Double,
    Float,
    Select,
    Subquery,
    and_,
    cast,
    exists,
    false,
    func,
    literal_column,
    or_,
    select,
    text,
    tuple_,
    union_all,
)
from sqlalchemy.dialects.postgresql import websearch_to_tsquery

from jobhub.db import db, read_only, utcnow
from jobhub.errors import BadRequest
from jobhub.jobs.models import MAX_SKILLS, Job, JobSkill
from jobhub.jobs.queries import listed_columns, visible_jobs_query
from jobhub.jobs.search.models import TS_CONFIG, rum_in_use
from jobhub.users.models import User

SORTS = ("relevance", "newest", "salary")
# Page mode counts matches up to this many (X-Pagination says total_capped beyond).
COUNT_CAP = 1_000
# Filters that narrow a search (and a saved search); everything but paging and sort.
FILTERS = (
    "q",
    "location",
    "country",
    "remote",
    "employment_type",
    "seniority",
    "salary_min",
    "salary_currency",
    "skills",
    "company_id",
    "posted_within_days",
)
# bm25 column weights, in models.FTS_COLUMNS order: a title hit outweighs the rest.
BM25_WEIGHTS = (10.0, 4.0, 4.0, 1.0, 0.5)


@dataclass(frozen=True)
class Plan:
    """A search query with its sort key, ready to page."""

    query: Select
    sort: str
    key: ColumnElement
    # Relevance through the RUM index: the key is a distance, smaller first.
    rum: bool = False

    @property
    def cursor_sort(self) -> str:
        """The sort as a cursor records it: a rank and a RUM distance do not mix."""
        return f"{self.sort}:rum" if self.rum else self.sort


def effective_sort(params: dict[str, Any]) -> str:
    """Relevance needs a query; without one the default is newest."""
    sort = params.get("sort") or ("relevance" if params.get("q") else "newest")
    return "newest" if sort == "relevance" and not params.get("q") else sort


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _text_match(query: Select, q: str) -> tuple[Select, ColumnElement, ColumnElement | None]:
    """Restrict to rows matching ``q``; return the query, its relevance (higher first),
    and the RUM distance (smaller first) where the RUM index can serve it."""
    if db.engine.dialect.name == "postgresql":
        tsquery = websearch_to_tsquery(TS_CONFIG, q)
        query = query.where(Job.search_vector.op("@@")(tsquery))
        distance = None
        if rum_in_use(db.session.connection()):
            distance = Job.search_vector.op("<=>", return_type=Float())(tsquery)
        # As double precision: a real would come back rounded in text form, and the
        # cursor's key would then no longer equal the row's own rank.
        return query, cast(func.ts_rank_cd(Job.search_vector, tsquery), Double), distance
    compiled = fts5_query(q)
    if compiled is None:
        return query.where(false()), literal_column("0.0"), None
    fts = (
        select(
            literal_column("jobs_fts.rowid").label("job_id"),
            (-func.bm25(literal_column("jobs_fts"), *BM25_WEIGHTS)).label("score"),
        )
        .select_from(text("jobs_fts"))
        .where(text("jobs_fts MATCH :fts_query").bindparams(fts_query=compiled))
        .subquery("fts")
    )
    return query.join(fts, fts.c.job_id == Job.id), fts.c.score, None


def apply_filters(
    query: Select, params: dict[str, Any], *, now: datetime
) -> tuple[Select, ColumnElement | None, ColumnElement | None]:
    """Every SPEC §3 filter, in SQL; returns the relevance expression when ``q`` is given,
    and the RUM distance when the RUM index can rank it."""
    rank = distance = None
    if params.get("q"):
        query, rank, distance = _text_match(query, params["q"])
    if params.get("location"):
        pattern = f"%{_escape_like(params['location'])}%"
        query = query.where(Job.location.ilike(pattern, escape="\\"))
    for name in ("country", "remote", "employment_type", "seniority", "salary_currency"):
        if params.get(name) is not None:
            query = query.where(getattr(Job, name) == params[name])
    if params.get("company_id") is not None:
        query = query.where(Job.company_id == params["company_id"])
    if params.get("salary_min") is not None:
        # The job's range reaches the amount; jobs without a salary never match.
        query = query.where(Job.salary_sort >= params["salary_min"])
    if params.get("posted_within_days") is not None:
        query = query.where(Job.listed_at >= now - timedelta(days=params["posted_within_days"]))
    skills = params.get("skills") or ()
    if len(skills) > MAX_SKILLS:  # more than any job lists: nothing matches
        query = query.where(false())
        skills = ()
    for skill in skills:
        query = query.where(
            exists().where(JobSkill.job_id == Job.id, JobSkill.skill == skill).correlate(Job)
        )
    return query, rank, distance


def plan(*, actor: User | None, params: dict[str, Any], now: datetime | None = None) -> Plan:
    """The search as SQL: visibility, filters, sort; not yet paged."""
    now = now or utcnow()
    query, rank, distance = apply_filters(visible_jobs_query(actor, now=now), params, now=now)
    sort = effective_sort(params)
    # Only a keyword alone ranks from the RUM index: with other filters the index's rank
    # order meets few rows that pass them, and the GIN path (the filters' indexes ANDed,
    # then ranking the few rows left) measured 1.8x as fast (bench/README.md, "search").
    narrowed = any(params.get(name) not in (None, "", []) for name in FILTERS if name != "q")
    if sort == "relevance" and distance is not None and not narrowed:
        return Plan(query=query, sort=sort, key=distance, rum=True)
    key = {"relevance": rank, "newest": Job.listed_at, "salary": Job.salary_sort}[sort]
    return Plan(query=query, sort=sort, key=key)


@dataclass
class Page:
    jobs: list[Job]
    total: int | None
    next_cursor: str | None


def statements(
    plan_: Plan, *, page: int, page_size: int, cursor: str | None, fingerprint: str
) -> tuple[Select | None, Select]:
    """The SQL of one page: (the count alone or None in cursor mode, the page of
    page_size + 1 rows, with the count as a last column in page mode)."""
    query = plan_.query
    count = None
    after = None
    if cursor:
        after = decode_cursor(cursor, sort=plan_.cursor_sort, fingerprint=fingerprint)
    else:
        # Counting stops at COUNT_CAP: past that a total costs a scan of every match, and
        # deeper pages are for cursors anyway.
        capped = query.order_by(None).with_only_columns(Job.id).limit(COUNT_CAP + 1)
        count = select(func.count()).select_from(capped.subquery())
    offset = None if cursor else (page - 1) * page_size
    if plan_.rum:
        ranked = _ranked_by_rum(query, plan_.key, after=after, offset=offset, limit=page_size + 1)
        order = (ranked.c.sort_key.asc(), Job.id.desc())
    else:
        if after is not None:
            query = query.where(tuple_(plan_.key, Job.id) < tuple_(*after))
        # Rank and cut the page on (id, key) alone, then load the page's rows and
        # companies: sorting every match's full row (description and all) and joining its
        # company took half the time of a broad keyword search.
        ranking = (
            query.with_only_columns(Job.id.label("job_id"), plan_.key.label("sort_key"))
            .order_by(plan_.key.desc(), Job.id.desc())
            .limit(page_size + 1)
        )
        if offset is not None:
            ranking = ranking.offset(offset)
        ranked = ranking.subquery("ranked")
        order = (ranked.c.sort_key.desc(), Job.id.desc())
    # The count rides along as an uncorrelated subquery (evaluated once): one round trip.
    extra = () if count is None else (count.scalar_subquery().label("total"),)
    page_query = (
        select(Job, ranked.c.sort_key, *extra)
        .join(ranked, ranked.c.job_id == Job.id)
        .options(*listed_columns())
        .order_by(*order)
    )
    return count, page_query


def _ranked_by_rum(
    query: Select,
    distance: ColumnElement,
    *,
    after: tuple[Any, int] | None,
    offset: int | None,
    limit: int,
) -> Subquery:
    """The page's (job_id, sort_key) in (distance, id descending) order, from the RUM index.

    The index returns matches by distance alone (``ORDER BY distance LIMIT n``: a top-k
    read from the index, no row visited but the n returned), but in no defined order
    among equal distances, and a keyset needs one. So: take the top n = offset + limit
    by distance; every match closer than the n-th's distance (the edge) is among them;
    of the matches at the edge distance, take the n with the highest ids (an id-ordered
    scan that stops after n, or the matches themselves when few); the page is the first
    n of both in (distance, id) order. One statement; exact whatever the ties.
    """
    if after is not None:
        # The distance is a real that psycopg reads from its shortest text form: compared
        # as a real again, the cursor's key equals the row's own distance.
        key_value, last_id = cast(after[0], REAL), after[1]
        query = query.where(
            or_(distance > key_value, and_(distance == key_value, Job.id < last_id))
        )
    window = (offset or 0) + limit
    columns = (Job.id.label("job_id"), distance.label("sort_key"))
    top = query.with_only_columns(*columns).order_by(distance).limit(window).cte("top")
    edge = select(func.max(top.c.sort_key)).scalar_subquery()
    closer = select(top.c.job_id, top.c.sort_key).where(top.c.sort_key < edge)
    tied = (
        query.where(distance == edge)
        .with_only_columns(*columns)
        .order_by(Job.id.desc())
        .limit(window)
        .subquery("tied")
    )
    candidates = union_all(closer, select(tied.c.job_id, tied.c.sort_key)).subquery("candidates")
    ranking = (
        select(candidates.c.job_id, candidates.c.sort_key)
        .order_by(candidates.c.sort_key, candidates.c.job_id.desc())
        .limit(limit)
    )
    if offset is not None:
        ranking = ranking.offset(offset)
    return ranking.subquery("ranked")


def run(plan_: Plan, *, page: int, page_size: int, cursor: str | None, fingerprint: str) -> Page:
    """One page: by number (with a total) or after a cursor (keyset, no count).

    One statement, outside a transaction when nothing else ran before it in the request;
    a separate count only for a page past the last one.
    """
    count, query = statements(
        plan_, page=page, page_size=page_size, cursor=cursor, fingerprint=fingerprint
    )
    read_only()
    rows = db.session.execute(query).all()
    total = None
    if count is not None:
        total = rows[0][2] if rows else (db.session.scalar(count) if page > 1 else 0)
    more = len(rows) > page_size
    rows = rows[:page_size]
    next_cursor = None
    if more and rows:
        last_job, last_key = rows[-1][:2]
        next_cursor = encode_cursor(plan_.cursor_sort, last_key, last_job.id, fingerprint)
    return Page(jobs=[row[0] for row in rows], total=total, next_cursor=next_cursor)


# -- cursors ---------------------------------------------------------------------------


def fingerprint(params: dict[str, Any]) -> str:
    """A short digest of the filters and sort: a cursor only continues its own search."""
    relevant = {name: params.get(name) for name in (*FILTERS, "sort")}
    relevant["sort"] = effective_sort(params)
    raw = json.dumps(relevant, sort_keys=True, default=str)
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def _signature(body: bytes) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(secret, b"jobhub.jobs.cursor:" + body, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:16]).decode().rstrip("=")


def encode_cursor(sort: str, key: Any, job_id: int, fingerprint_: str) -> str:
    """An opaque, signed position after the row (key, id)."""
    if isinstance(key, datetime):
        key = key.isoformat()
    body = json.dumps([sort, key, job_id, fingerprint_], separators=(",", ":")).encode()
    payload = base64.urlsafe_b64encode(body).decode().rstrip("=")
    return f"{payload}.{_signature(body)}"


def decode_cursor(cursor: str, *, sort: str, fingerprint: str) -> tuple[Any, int]:
    """The (key, id) a cursor stands for; 400 when it was forged, mangled or is for another
    search."""
    invalid = BadRequest(
        "The cursor is invalid; start again from the first page.",
        errors={"query": {"cursor": ["Invalid or expired cursor."]}},
    )
    try:
        payload, signature = cursor.split(".", 1)
        body = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    except (ValueError, TypeError):
        raise invalid from None
    if not hmac.compare_digest(signature, _signature(body)):
        raise invalid
    cursor_sort, key, job_id, cursor_fingerprint = json.loads(body)
    if cursor_sort != sort or cursor_fingerprint != fingerprint:
        raise BadRequest(
            "The cursor belongs to another search; start again from the first page.",
            errors={"query": {"cursor": ["Cursor does not match the search parameters."]}},
        )
    if sort == "newest":
        key = datetime.fromisoformat(key)
    return key, int(job_id)


# -- user queries → FTS5 -----------------------------------------------------------------

# PostgreSQL's english configuration drops these; FTS5 would require them to appear.
_STOPWORDS = """
    a an and are as at be but by for if in into is it no not of on or such that the
    their then there these they this to was will with
"""
STOPWORDS = frozenset(_STOPWORDS.split())
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_WORD = re.compile(r"\w+", re.UNICODE)


def _phrase(text: str, *, keep_stopwords: bool) -> str | None:
    words = [w.lower() for w in _WORD.findall(text)]
    if not keep_stopwords:
        words = [w for w in words if w not in STOPWORDS]
    if not words:
        return None
    return '"' + " ".join(words) + '"'


def fts5_query(q: str) -> str | None:
    """Compile web-search syntax (words, "phrases", -exclusions, or) like PostgreSQL's
    ``websearch_to_tsquery`` into a safe FTS5 query; None when nothing can match."""
    groups: list[tuple[list[str], list[str]]] = [([], [])]
    for match in _TOKEN.finditer(q):
        negated, quoted, bare = match.group(1), match.group(2), match.group(3)
        if bare is not None and bare.lower() == "or":
            groups.append(([], []))
            continue
        if bare is not None and bare.startswith("-") and len(bare) > 1:
            negated, bare = "-", bare[1:]
        text = quoted if quoted is not None else bare
        phrase = _phrase(text or "", keep_stopwords=quoted is not None)
        if phrase is None:
            continue
        groups[-1][1 if negated else 0].append(phrase)
    parts = []
    for positive, negative in groups:
        if not positive:
            continue  # FTS5 cannot express a bare exclusion
        expression = " AND ".join(positive)
        if negative:
            expression = f"({expression}) NOT ({' OR '.join(negative)})"
        parts.append(f"({expression})")
    return " OR ".join(parts) or None
