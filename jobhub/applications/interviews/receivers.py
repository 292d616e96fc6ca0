"""Reactions to events (``jobhub.signals``): an application that ends ends its interviews."""

from __future__ import annotations

from typing import Any

from jobhub import signals
from jobhub.applications.interviews import services
from jobhub.applications.models import FINAL_STATUSES, Application, ApplicationEvent


@signals.application_status_changed.connect
def _on_status_changed(
    _sender: Any, *, application: Application, event: ApplicationEvent, **_: Any
) -> None:
    """Reaching hired, rejected or withdrawn cancels the upcoming interviews."""
    if event.to_status in FINAL_STATUSES:
        services.cancel_upcoming(application=application)
