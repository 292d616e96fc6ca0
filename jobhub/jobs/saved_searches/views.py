"""Saved-search endpoints: a candidate's named searches and their job alerts.

They are a candidate feature, which each route's ``auth_required("candidate")`` decides;
another candidate's saved search is 404 (``queries.saved_searches_query``).
"""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from jobhub.jobs.saved_searches import queries, services
from jobhub.jobs.saved_searches.models import SavedSearch
from jobhub.jobs.saved_searches.schemas import (
    SavedSearchCreateSchema,
    SavedSearchSchema,
    SavedSearchUpdateSchema,
)
from jobhub.pagination import PAGINATION, paginated
from jobhub.security import auth_required, current_user

blp = Blueprint(
    "saved-searches", __name__, description="Candidates' saved searches and job alerts."
)


def _own_search(saved_search_id: int) -> SavedSearch:
    return services.get_saved_search(user=current_user, saved_search_id=saved_search_id)


@blp.route("")
@auth_required("candidate")
@blp.response(200, SavedSearchSchema(many=True))
@blp.paginate(**PAGINATION)
def list_saved_searches(pagination_parameters) -> list[SavedSearch]:
    """Your saved searches."""
    return paginated(queries.saved_searches_query(user=current_user), pagination_parameters)


@blp.route("", methods=["POST"])
@auth_required("candidate")
@blp.arguments(SavedSearchCreateSchema)
@blp.response(201, SavedSearchSchema)
@blp.alt_response(
    409, response="DEFAULT_ERROR", description="`conflict`: the cap on saved searches is reached."
)
def create_saved_search(data: dict[str, Any]) -> SavedSearch:
    """Save a search: a name, `alert`, and the flat parameters of `GET /jobs`."""
    return services.create_saved_search(user=current_user, data=data)


@blp.route("/<int:saved_search_id>")
@auth_required("candidate")
@blp.response(200, SavedSearchSchema)
def get_saved_search(saved_search_id: int) -> SavedSearch:
    """One of your saved searches."""
    return _own_search(saved_search_id)


@blp.route("/<int:saved_search_id>", methods=["PATCH"])
@auth_required("candidate")
@blp.arguments(SavedSearchUpdateSchema)
@blp.response(200, SavedSearchSchema)
def update_saved_search(data: dict[str, Any], saved_search_id: int) -> SavedSearch:
    """Rename it, switch its alert, or change its parameters."""
    return services.update_saved_search(search=_own_search(saved_search_id), data=data)


@blp.route("/<int:saved_search_id>", methods=["DELETE"])
@auth_required("candidate")
@blp.response(204)
def delete_saved_search(saved_search_id: int) -> None:
    """Delete one of your saved searches."""
    services.delete_saved_search(search=_own_search(saved_search_id))
