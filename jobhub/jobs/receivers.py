"""Reactions to other domains' events (``jobhub.signals``): what companies do to their jobs."""

from __future__ import annotations

from typing import Any

from jobhub import signals
from jobhub.companies.models import Company
from jobhub.jobs import services


@signals.company_updated.connect
def _on_company_updated(_sender: Any, *, company: Company, changed: set[str], **_: Any) -> None:
    """A rename reaches the jobs' copy of the name; verification changes their listing."""
    if changed & {"name", "verified"}:
        services.company_changed(company=company)


@signals.company_deleted.connect
def _on_company_deleted(_sender: Any, *, company: Company, **_: Any) -> None:
    """A deleted company's jobs are soft-deleted (and closed) with it."""
    services.remove_company_jobs(company=company)
