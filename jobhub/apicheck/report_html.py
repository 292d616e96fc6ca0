"""report.html: one self-contained page (inline style, no script, nothing fetched)."""

from __future__ import annotations

from collections import defaultdict
from html import escape
from pathlib import Path

from jobhub.apicheck.report import ordered, row
from jobhub.apicheck.runner import CheckRun

STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:2rem;color:#1b1f24;max-width:80rem}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}
th,td{border-bottom:1px solid #d0d7de;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}td.num{text-align:right;font-variant-numeric:tabular-nums}
code{font:12px ui-monospace,monospace}ul{margin:0;padding-left:1.1rem}
.fail{color:#a40e26;font-weight:600}.pass{color:#116329}.skip{color:#6e7781}
.summary span{margin-right:1.5rem}
"""
COLUMNS = ("outcome", "operation", "role", "status", "calls", "p50 ms", "p95 ms", "details")


def write_html(run: CheckRun, path: Path) -> None:
    results = ordered(run.results)
    domains: dict[str, list] = defaultdict(list)
    for result in results:
        domains[result.operation.tag].append(result)
    sections = [_section("Failures", [r for r in results if r.outcome == "fail"])]
    sections += [_section(f"Domain: {tag}", items) for tag, items in domains.items()]
    page = (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        f"<title>api-check: {escape(run.base_url)}</title><style>{STYLE}</style></head><body>"
        f"{_summary(run)}{''.join(sections)}</body></html>\n"
    )
    path.write_text(page, encoding="utf-8")


def _summary(run: CheckRun) -> str:
    counts = run.counts()
    verdict = "FAILED" if run.failed else "PASSED"
    return (
        f"<h1>api-check of <code>{escape(run.base_url)}</code>: "
        f"<span class={'fail' if run.failed else 'pass'}>{verdict}</span></h1>"
        f"<p class=summary><span>started {escape(run.started_at)}</span>"
        f"<span>{run.duration_s:.1f} s</span>"
        + "".join(f"<span class={name}>{count} {name}</span>" for name, count in counts.items())
        + "</p>"
    )


def _section(title: str, results: list) -> str:
    if not results:
        return f"<h2>{escape(title)}</h2><p>None.</p>"
    head = "".join(f"<th>{name}</th>" for name in COLUMNS)
    body = "".join(_row(result) for result in results)
    table = f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    return f"<h2>{escape(title)}</h2>{table}"


def _row(result) -> str:
    values = row(result)
    details = "".join(f"<li>{escape(problem)}</li>" for problem in result.problems)
    if result.note:
        details += f"<li>{escape(result.note)}</li>"
    cells = [
        f"<td class={result.outcome}>{result.outcome}</td>",
        f"<td><code>{escape(result.operation.key)}</code><br>{escape(_first_line(result))}</td>",
        f"<td>{escape(result.role or '')}</td>",
        f"<td class=num>{_number(values['status'])}</td>",
        f"<td class=num>{values['calls']}</td>",
        f"<td class=num>{_number(values['p50_ms'])}</td>",
        f"<td class=num>{_number(values['p95_ms'])}</td>",
        f"<td><ul>{details}</ul></td>" if details else "<td></td>",
    ]
    return f"<tr>{''.join(cells)}</tr>"


def _number(value: object) -> str:
    return "" if value is None else escape(str(value))


def _first_line(result) -> str:
    return result.operation.summary.split("\n", 1)[0]
