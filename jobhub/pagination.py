"""Page-number pagination over SQL queries (SPEC §1: page, page_size ≤ 100, X-Pagination)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select

from jobhub.db import db, read_only

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
# Use as @blp.paginate(**PAGINATION) on list views that return a paginated() result.
PAGINATION = {"page_size": DEFAULT_PAGE_SIZE, "max_page_size": MAX_PAGE_SIZE}


def _count(query: Select) -> Select:
    return select(func.count()).select_from(query.order_by(None).subquery())


def paginated(query: Select, pagination_parameters: Any) -> list[Any]:
    """One page of ``query`` (two queries: count and page), recording the total for the header."""
    total = db.session.scalar(_count(query))
    pagination_parameters.item_count = total or 0
    page = pagination_parameters.page
    size = pagination_parameters.page_size
    return list(db.session.scalars(query.limit(size).offset((page - 1) * size)))


def paginated_in_one(query: Select, pagination_parameters: Any) -> list[Any]:
    """As ``paginated``, in one round trip: the count rides along with the page as an
    uncorrelated scalar subquery (evaluated once), outside a transaction when nothing ran
    before it in the request. A page past the last one has no row to carry the count, so
    it costs a second statement; page 1 empty means a total of 0.

    For a query of one entity whose eager loads are many-to-one (a row per item).
    """
    page = pagination_parameters.page
    size = pagination_parameters.page_size
    total_column = _count(query).scalar_subquery().label("jobhub_total")
    read_only()
    rows = db.session.execute(
        query.add_columns(total_column).limit(size).offset((page - 1) * size)
    ).all()
    total = rows[0][1] if rows else (db.session.scalar(_count(query)) if page > 1 else 0)
    pagination_parameters.item_count = total or 0
    return [row[0] for row in rows]
