"""Who may export what: any signed-in account exports its own data and its scope."""

from __future__ import annotations

from jobhub.exports.models import Export
from jobhub.users.models import User


def can_read_export(user: User, export: Export) -> bool:
    """Only the owner sees or downloads an export (others: 404)."""
    return export.owner_id == user.id
