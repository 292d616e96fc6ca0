"""Export file formats, written row by row to a binary file (memory stays flat).

CSV: UTF-8, RFC 4180 quoting (``csv`` module, ``\\r\\n``), lists joined with ``"; "``,
nested objects flattened to ``parent.child`` columns, formula-looking cells prefixed with
``'`` (``jobhub.audit.services.csv_cell``: one rule for every CSV we write).
JSON: JSON lines, one object per row (``application/x-ndjson``), so a reader can stream
it too. ZIP: entries written one after another through ``ZipFile.open(name, "w")``.
PDF: pages drawn one at a time on a reportlab canvas: a summary table and a bar chart
on the first page, then the rows (at most ``PDF_MAX_ROWS``; the CSV has them all).
"""

from __future__ import annotations

import csv
import enum
import hashlib
import io
import json
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import IO, Any

from reportlab.graphics import renderPDF
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen.canvas import Canvas

from jobhub.audit.services import csv_cell
from jobhub.exports.columns import LIST_SEPARATOR

PDF_MAX_ROWS = 5000
PDF_CHAR_WIDTH = 4.6  # points: an average Helvetica character at 8 pt


def iso(value: datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


def plain(value: Any) -> Any:
    """A value as JSON shows it: enums by value, timestamps ISO-8601 UTC with ``Z``."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value


def flatten(row: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested objects as ``parent.child`` keys (lists stay lists)."""
    flat: dict[str, Any] = {}
    for key, value in row.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            flat.update(flatten(value, name + "."))
        else:
            flat[name] = value
    return flat


def csv_value(value: Any) -> str:
    """One CSV cell: lists joined with ``"; "`` (items escaped), the rest by csv_cell."""
    if isinstance(value, list | tuple):
        if any(isinstance(item, dict) for item in value):
            return csv_cell(json.dumps(plain(list(value)), ensure_ascii=False, sort_keys=True))
        return csv_cell(LIST_SEPARATOR.join("" if v is None else str(plain(v)) for v in value))
    if isinstance(value, dict):
        return csv_cell(json.dumps(plain(value), ensure_ascii=False, sort_keys=True))
    return csv_cell(plain(value))


class HashingWriter(io.RawIOBase):
    """Bytes passed through to ``target`` while their SHA-256 and size are counted."""

    def __init__(self, target: IO[bytes]) -> None:
        self.target = target
        self.digest = hashlib.sha256()
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        view = bytes(data)
        self.target.write(view)
        self.digest.update(view)
        self.size += len(view)
        return len(view)

    @property
    def sha256(self) -> str:
        return self.digest.hexdigest()


class CsvWriter:
    """Header then rows; ``write`` takes rows as sequences in ``columns`` order."""

    def __init__(self, target: IO[bytes], columns: Sequence[str]) -> None:
        self.text = io.TextIOWrapper(target, encoding="utf-8", newline="", write_through=False)
        self.writer = csv.writer(self.text)  # excel dialect: RFC 4180 quoting, CRLF
        self.writer.writerow([csv_cell(name) for name in columns])

    def write(self, values: Sequence[Any]) -> None:
        self.writer.writerow([csv_value(value) for value in values])

    def close(self) -> None:
        self.text.flush()
        self.text.detach()


class JsonLinesWriter:
    """One JSON object per line."""

    def __init__(self, target: IO[bytes], columns: Sequence[str]) -> None:
        self.target = target
        self.columns = list(columns)

    def write(self, values: Sequence[Any]) -> None:
        row = {name: plain(value) for name, value in zip(self.columns, values, strict=True)}
        self.target.write(json.dumps(row, ensure_ascii=False).encode() + b"\n")

    def close(self) -> None:
        return None


class JsonArrayWriter:
    """A JSON array written element by element (the account export's files)."""

    def __init__(self, target: IO[bytes]) -> None:
        self.target = target
        self.count = 0
        target.write(b"[")

    def write_object(self, row: dict[str, Any]) -> None:
        self.target.write((b",\n" if self.count else b"\n") + _dumps(row))
        self.count += 1

    def close(self) -> None:
        self.target.write(b"\n]\n" if self.count else b"]\n")


def _dumps(value: Any) -> bytes:
    return json.dumps(plain(value), ensure_ascii=False, indent=None).encode()


def write_json(target: IO[bytes], value: Any) -> None:
    target.write(json.dumps(plain(value), ensure_ascii=False, indent=2).encode() + b"\n")


class PdfWriter:
    """A report: title, summary table and chart on page one, then the rows page by page.

    Each page is finished (``showPage``) as soon as it is full, and at most
    ``PDF_MAX_ROWS`` rows are drawn, so memory does not grow with the row count.
    """

    MARGIN = 36
    LINE = 11

    def __init__(
        self,
        target: IO[bytes],
        columns: Sequence[str],
        *,
        title: str,
        summary: list[tuple[str, int]],
        total: int,
        generated_at: datetime,
    ) -> None:
        self.columns = list(columns)
        self.total = total
        self.drawn = 0
        self.canvas = Canvas(target, pagesize=landscape(A4), invariant=1)
        self.canvas.setTitle(title)
        self.width, self.height = landscape(A4)
        self._first_page(title, summary, total, generated_at)
        self._new_rows_page()

    def _first_page(
        self, title: str, summary: list[tuple[str, int]], total: int, generated_at: datetime
    ) -> None:
        c = self.canvas
        y = self.height - self.MARGIN
        c.setFont("Helvetica-Bold", 16)
        c.drawString(self.MARGIN, y, title)
        y -= 20
        c.setFont("Helvetica", 9)
        c.drawString(self.MARGIN, y, f"Generated {iso(generated_at)} - {total} rows in total")
        if total > PDF_MAX_ROWS:
            y -= 12
            c.drawString(
                self.MARGIN, y, f"The first {PDF_MAX_ROWS} rows are listed; the CSV has all."
            )
        y -= 26
        c.setFont("Helvetica-Bold", 11)
        c.drawString(self.MARGIN, y, "Summary by status")
        c.setFont("Helvetica", 10)
        for status, count in [*summary, ("total", total)]:
            y -= 14
            c.drawString(self.MARGIN + 10, y, status)
            c.drawRightString(self.MARGIN + 200, y, str(count))
        self._chart(summary, y - 30)
        c.showPage()

    def _chart(self, summary: list[tuple[str, int]], top: float) -> None:
        drawing = Drawing(self.width - 2 * self.MARGIN, 220)
        chart = VerticalBarChart()
        chart.x, chart.y, chart.width, chart.height = 40, 30, 500, 160
        chart.data = [[count for _, count in summary] or [0]]
        chart.categoryAxis.categoryNames = [status for status, _ in summary] or ["none"]
        chart.valueAxis.valueMin = 0
        chart.bars[0].fillColor = HexColor("#3b6ea5")
        drawing.add(chart)
        drawing.add(String(40, 200, "Rows by status", fontName="Helvetica-Bold", fontSize=10))
        renderPDF.draw(drawing, self.canvas, self.MARGIN, max(top - 220, self.MARGIN))

    def _new_rows_page(self) -> None:
        self.y = self.height - self.MARGIN
        self.canvas.setFont("Helvetica-Bold", 8)
        self._line(self.columns)
        self.canvas.setFont("Helvetica", 8)

    def _line(self, cells: Sequence[str]) -> None:
        step = (self.width - 2 * self.MARGIN) / max(len(cells), 1)
        for index, cell in enumerate(cells):
            self.canvas.drawString(self.MARGIN + index * step, self.y, cell)
        self.y -= self.LINE

    def write(self, values: Sequence[Any]) -> None:
        if self.drawn >= PDF_MAX_ROWS:
            return
        if self.y < self.MARGIN:
            self.canvas.showPage()
            self._new_rows_page()
        step = (self.width - 2 * self.MARGIN) / max(len(self.columns), 1)
        limit = max(int(step / PDF_CHAR_WIDTH), 6)
        self._line([_pdf_cell(value, limit) for value in values])
        self.drawn += 1

    def close(self) -> None:
        self.canvas.showPage()
        self.canvas.save()


def _pdf_cell(value: Any, limit: int) -> str:
    text = csv_value(value).replace("\r", " ").replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


RowWriter = CsvWriter | JsonLinesWriter | PdfWriter
MakeWriter = Callable[[IO[bytes]], RowWriter]


def write_all(writer: RowWriter, rows: Iterable[Sequence[Any]]) -> int:
    count = 0
    for row in rows:
        writer.write(row)
        count += 1
    return count
