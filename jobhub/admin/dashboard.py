"""The panel's home: the platform's last 30 days, from the analytics queries (SPEC §8, §9).

Each chart is server-side SVG (``charts``) with its numbers in a table beside it, so the
page reads the same without JavaScript.
"""

from __future__ import annotations

import json
from typing import Any

from flask_admin import expose

from jobhub.admin import charts
from jobhub.admin.base import SecureIndexView
from jobhub.analytics import services as analytics
from jobhub.analytics.schemas import PlatformAnalyticsSchema

DAYS = 30


def _render(numbers: dict[str, Any]) -> str:
    # Byte for byte what GET /analytics/platform caches, so the two share one cache entry.
    return json.dumps(PlatformAnalyticsSchema().dump(numbers), separators=(",", ":"))


def dashboard_numbers() -> dict[str, Any]:
    """``GET /analytics/platform`` of the last 30 days (UTC, per day): cached for
    ``ANALYTICS_CACHE_SECONDS`` and dropped by the writes that change it."""
    range_ = analytics.resolve_range(first=None, last=None, interval="day", zone="UTC")
    body, _state = analytics.platform_dashboard(range_=range_, render=_render)
    return json.loads(body)


def _daily(title: str, block: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": title,
        "total": block["total"],
        "direction": block.get("direction"),
        "change_pct": block.get("change_pct"),
        "points": block["points"],
        "svg": charts.daily_bars(title, block["points"]),
    }


class DashboardView(SecureIndexView):
    """Counts and charts: signups, jobs posted, applications, hires, the queue."""

    @expose("/")
    def index(self) -> str:
        numbers = dashboard_numbers()
        moderation = numbers["moderation"]
        daily = [
            _daily("Signups", numbers["users"]["signups"]),
            _daily("Jobs posted", numbers["jobs"]["posted"]),
            _daily("Applications", numbers["applications"]),
            _daily("Hires", numbers["hires"]),
        ]
        queue = {"pending": moderation["pending"], "flagged": moderation["flagged"]}
        by_status = numbers["jobs"]["by_moderation_status"]
        return self.render(
            "admin/jobhub/dashboard.html",
            numbers=numbers,
            moderation=moderation,
            daily=daily,
            queue=queue,
            queue_svg=charts.category_bars("Moderation queue", queue),
            by_status=by_status,
            status_svg=charts.category_bars("Jobs by moderation status", by_status),
        )
