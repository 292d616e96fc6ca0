"""Who may manage a company's webhooks: its owners, and its own API keys holding the
``webhooks:manage`` scope (the decorator checks the scope; admins do not manage them)."""

from __future__ import annotations

from jobhub.companies.models import MemberRole


def can_manage_webhooks(membership: MemberRole | None, *, own_key: bool = False) -> bool:
    """Register, list, edit, rotate, test and redeliver: owners and the company's key."""
    return own_key or membership == MemberRole.OWNER


def can_see_webhook(membership: MemberRole | None, *, own_key: bool = False) -> bool:
    """That an endpoint exists: the company's members and key (others get 404)."""
    return own_key or membership is not None
