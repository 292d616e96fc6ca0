"""Page-number pagination over SQL queries (SPEC §1: page, page_size ≤ 100, X-Pagination)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select

from jobhub.db import db

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
# Use as @blp.paginate(**PAGINATION) on list views that return a paginated() result.
PAGINATION = {"page_size": DEFAULT_PAGE_SIZE, "max_page_size": MAX_PAGE_SIZE}


def paginated(query: Select, pagination_parameters: Any) -> list[Any]:
    """One page of ``query`` (two queries: count and page), recording the total for the header."""
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    pagination_parameters.item_count = total or 0
    page = pagination_parameters.page
    size = pagination_parameters.page_size
    return list(db.session.scalars(query.limit(size).offset((page - 1) * size)))
