"""report.json and report.csv: one row per documented operation, failures first."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from jobhub.apicheck.checks import Result
from jobhub.apicheck.runner import CheckRun

ORDER = {"fail": 0, "pass": 1, "skip": 2}
CSV_FIELDS = (
    "domain",
    "operation",
    "outcome",
    "role",
    "status",
    "calls",
    "p50_ms",
    "p95_ms",
    "problems",
    "note",
)


def percentile(values: list[float], fraction: float) -> float | None:
    """Nearest-rank percentile of ``values`` (None when there are none)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * fraction // 1))
    return round(ordered[int(rank) - 1], 1)


def ordered(results: list[Result]) -> list[Result]:
    """Failures first, then by domain and operation."""
    return sorted(results, key=lambda r: (ORDER[r.outcome], r.operation.tag, r.operation.path))


def row(result: Result) -> dict[str, object]:
    operation = result.operation
    return {
        "domain": operation.tag,
        "operation": operation.key,
        "method": operation.method,
        "path": operation.path,
        "summary": operation.summary,
        "outcome": result.outcome,
        "role": result.role,
        "status": result.status,
        "calls": result.calls,
        "p50_ms": percentile(result.timings_ms, 0.50),
        "p95_ms": percentile(result.timings_ms, 0.95),
        "problems": result.problems,
        "note": result.note,
    }


def write_json(run: CheckRun, path: Path) -> None:
    document = {
        "base_url": run.base_url,
        "started_at": run.started_at,
        "duration_s": round(run.duration_s, 2),
        "ok": not run.failed,
        "counts": run.counts(),
        "operations": [row(result) for result in ordered(run.results)],
    }
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")


def write_csv(run: CheckRun, path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=CSV_FIELDS, extrasaction="ignore")
        writer.writeheader()
        for result in ordered(run.results):
            values = row(result)
            values["problems"] = " | ".join(result.problems)
            writer.writerow({k: _cell(v) for k, v in values.items()})


def _cell(value: object) -> object:
    """A cell a spreadsheet will not run as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
