"""Server-side SVG charts for the panel (pygal): no JavaScript, nothing from another host.

pygal's output is made to fit the panel's CSP: its inline ``<style>`` carries the
response's nonce, its tooltip script and configuration are dropped, and its one inline
``style`` attribute becomes a presentation attribute. The numbers are always shown in a
table beside the chart as well.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from markupsafe import Markup

from jobhub.web import csp_nonce

_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.DOTALL)
_STYLE_ATTRIBUTE = re.compile(r'\sstyle="[^"]*"')


def _style() -> Any:
    from pygal.style import Style

    return Style(
        background="transparent",
        plot_background="transparent",
        foreground="#343a40",
        foreground_strong="#212529",
        foreground_subtle="#adb5bd",
        colors=("#007bff", "#28a745", "#dc3545", "#ffc107", "#6f42c1"),
        font_family="system-ui, sans-serif",
    )


def _config() -> dict[str, Any]:
    return {
        "js": [],
        "css": ["file://style.css", "file://graph.css"],
        "disable_xml_declaration": True,
        "show_legend": False,
        "height": 260,
        "width": 640,
        "style": _style(),
        "x_label_rotation": 45,
        "show_minor_x_labels": False,
        "truncate_label": 10,
        "print_values": False,
        "show_y_guides": True,
        "margin": 12,
    }


def _safe(svg: str) -> Markup:
    """pygal's SVG with its style under the CSP nonce and no script at all."""
    svg = _SCRIPT.sub("", svg)
    svg = _STYLE_ATTRIBUTE.sub(' visibility="hidden"', svg)  # only the tooltip group has one
    svg = svg.replace("<style", f'<style nonce="{csp_nonce()}"', 1)
    return Markup(svg)  # noqa: S704  (pygal escapes labels and titles itself)


def daily_bars(title: str, points: list[dict[str, Any]], key: str = "count") -> Markup:
    """One bar per day: ``points`` as the analytics series give them (period, count)."""
    labels = tuple(point["period"][5:10] for point in points)  # MM-DD
    values = tuple(point[key] for point in points)
    return _safe(_daily_svg(title, labels, values))


def category_bars(title: str, values: dict[str, int | float]) -> Markup:
    """One bar per category (the queue by moderation status...)."""
    return _safe(_category_svg(title, tuple(values.items())))


# Drawing is the slow part (tens of ms a chart) and the numbers change rarely (they come
# from the analytics cache): the same numbers give the same SVG, before its nonce is set.


@functools.lru_cache(maxsize=64)
def _daily_svg(title: str, labels: tuple[str, ...], values: tuple[int, ...]) -> str:
    import pygal

    chart = pygal.Bar(**_config())
    chart.title = title
    chart.x_labels = labels
    chart.x_labels_major = labels[::5]
    chart.y_labels = _whole_steps(max(values, default=0))
    chart.add(title, values)
    return chart.render(is_unicode=True)


@functools.lru_cache(maxsize=64)
def _category_svg(title: str, values: tuple[tuple[str, int | float], ...]) -> str:
    import pygal

    chart = pygal.HorizontalBar(**{**_config(), "height": 200, "x_label_rotation": 0})
    chart.title = title
    for name, value in values:
        chart.add(name, value)
    chart.config.show_legend = True
    return chart.render(is_unicode=True)


def _whole_steps(top: int | float) -> list[int]:
    """At most about six whole-number labels from 0 to ``top`` (counts have no fractions)."""
    step = max(1, -(-int(top) // 5))
    return list(range(0, int(top) + step + 1, step))
