"""Core library: streamed file downloads (CSV today; exports will add their formats)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from flask import Response, stream_with_context

from jobhub.db import utcnow


def csv_attachment(rows: Iterable[list[str]], *, stem: str) -> Response:
    """An RFC 4180 CSV download, streamed row by row, named ``<stem>-<UTC time>.csv``.

    The rows must already be safe cells (formula prefixes escaped by their producer)."""
    name = f"{stem}-{utcnow():%Y%m%dT%H%M%SZ}.csv"
    return Response(
        stream_with_context(_encode(rows)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _encode(rows: Iterable[list[str]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow(row)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
