"""The columns of the ``jobs`` and ``applications`` exports, shared with the imports.

An export of jobs or applications re-imports to the same data (SPEC §10), so both
sides read their column names from here: the exporter writes ``*_EXPORT_COLUMNS``
(in this order, CSV header and JSON keys alike), the importer reads the writable
subset ``*_IMPORT_COLUMNS`` and ignores the read-only rest.

CSV cells follow the export rules: lists joined with ``LIST_SEPARATOR``; a cell that
starts with ``= + - @``, a tab or a carriage return carries a leading ``'``
(formula injection); timestamps ISO-8601 UTC with ``Z``; empty means null.
``parse_cell`` and ``parse_list`` undo that for an importer.
"""

from __future__ import annotations

from jobhub.jobs.models import CONTENT_FIELDS

LIST_SEPARATOR = "; "
FORMULA_PREFIX = "'"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# -- jobs ---------------------------------------------------------------------------

# What an import may set (names as in POST /jobs). ``skills`` and
# ``nice_to_have_skills`` are lists (joined with LIST_SEPARATOR in CSV).
JOB_IMPORT_COLUMNS: tuple[str, ...] = (*CONTENT_FIELDS, "status", "expires_at", "external_ref")
# Read-only columns an export adds (an importer ignores them; ``id`` identifies the
# exported job, ``company_id`` the company it belonged to).
JOB_READ_ONLY_COLUMNS: tuple[str, ...] = (
    "id",
    "company_id",
    "company_name",
    "moderation_status",
    "published_at",
    "closed_at",
    "views",
    "applications_count",
    "created_at",
    "updated_at",
)
JOB_EXPORT_COLUMNS: tuple[str, ...] = (
    "id",
    "company_id",
    "company_name",
    *JOB_IMPORT_COLUMNS,
    "moderation_status",
    "published_at",
    "closed_at",
    "views",
    "applications_count",
    "created_at",
    "updated_at",
)
JOB_LIST_COLUMNS = frozenset({"skills", "nice_to_have_skills"})

# -- applications -------------------------------------------------------------------

# What an import reads: the job by ``job_id`` or by ``job_reference`` (the
# ``external_ref`` of a job of the importing company; a row giving both must name the
# same job), the
# candidate by email (and name, for an address without an account), the status with its
# dates and, when given, the ``history`` of stage moves it went through. ``source`` is
# checked but not kept: imported applications have the source ``import``.
APPLICATION_IMPORT_COLUMNS: tuple[str, ...] = (
    "job_id",
    "job_reference",
    "candidate_email",
    "candidate_name",
    "status",
    "source",
    "rejection_reason",
    "cover_letter",
    "created_at",
    "status_changed_at",
    "history",
)
APPLICATION_READ_ONLY_COLUMNS: tuple[str, ...] = (
    "id",
    "job_title",
    "company_id",
    "company_name",
    "match_score",
)
APPLICATION_EXPORT_COLUMNS: tuple[str, ...] = (
    "id",
    "job_id",
    "job_title",
    "company_id",
    "company_name",
    "candidate_email",
    "candidate_name",
    "status",
    "source",
    "rejection_reason",
    "cover_letter",
    "match_score",
    "created_at",
    "status_changed_at",
    "history",
)
# ``history``: every stage move, oldest first. JSON: a list of
# ``{from_status, to_status, at, by, reason}``; CSV: a list of ``<to_status> <at>``
# entries (e.g. ``applied 2026-03-01T09:00:00Z; screening 2026-03-04T15:30:00Z``).
APPLICATION_LIST_COLUMNS = frozenset({"history"})
HISTORY_FIELDS: tuple[str, ...] = ("from_status", "to_status", "at", "by", "reason")

# The PDF report's columns when no ``fields`` are asked for (a page is only so wide).
PDF_COLUMNS: dict[str, tuple[str, ...]] = {
    "jobs": ("id", "title", "status", "location", "company_name", "published_at"),
    "applications": (
        "id",
        "candidate_name",
        "candidate_email",
        "job_title",
        "status",
        "created_at",
        "status_changed_at",
    ),
}

EXPORT_COLUMNS: dict[str, tuple[str, ...]] = {
    "jobs": JOB_EXPORT_COLUMNS,
    "applications": APPLICATION_EXPORT_COLUMNS,
}
IMPORT_COLUMNS: dict[str, tuple[str, ...]] = {
    "jobs": JOB_IMPORT_COLUMNS,
    "applications": APPLICATION_IMPORT_COLUMNS,
}
LIST_COLUMNS: dict[str, frozenset[str]] = {
    "jobs": JOB_LIST_COLUMNS,
    "applications": APPLICATION_LIST_COLUMNS,
}


def parse_cell(text: str) -> str | None:
    """A CSV cell as written by an export, back to its value: '' is None, and the
    formula-injection prefix is removed."""
    if text == "":
        return None
    if text.startswith(FORMULA_PREFIX) and text[1:2] and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def parse_list(text: str) -> list[str]:
    """A list cell (joined with LIST_SEPARATOR) back to its items."""
    value = parse_cell(text)
    if value is None:
        return []
    return [item.strip() for item in value.split(LIST_SEPARATOR.strip()) if item.strip()]
