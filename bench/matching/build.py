"""Render the sources into the resumes the evaluation reads: ``python -m bench.matching.build``.

Text files are the body as written; DOCX files use Word headings, bullet lists and (for
``docx-table``) tables; PDFs are drawn with reportlab, in one column or (``pdf-2col``)
with a sidebar drawn line by line beside the main column, so text extraction interleaves
the two as it does for many real two-column resumes.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime

from docx import Document
from docx.shared import Pt
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen import canvas

from bench.matching.sources import RESUMES, Source, load_sources

_BULLET = re.compile(r"^\s*(?:[-*\u2022\u25aa\u25e6>]|\d+[.)])\s+")
_SIDE = "|| "
_FIXED_TIME = datetime(2026, 1, 1)


def _side(line: str) -> bool:
    return line.startswith(_SIDE) or line == _SIDE.strip()


def _unside(line: str) -> str:
    return line[len(_SIDE) :] if _side(line) else line


def _lines(source: Source) -> list[str]:
    return [_unside(line) for line in source.body.split("\n")]


def text_file(source: Source) -> bytes:
    return ("\n".join(line.removeprefix("# ") for line in _lines(source)) + "\n").encode()


def docx_file(source: Source) -> bytes:
    document = Document()
    document.styles["Normal"].font.size = Pt(10)
    rows: list[list[str]] = []

    def flush() -> None:
        if rows:
            width = max(len(row) for row in rows)
            table = document.add_table(rows=len(rows), cols=width)
            for r, row in enumerate(rows):
                for c, cell in enumerate(row):
                    table.cell(r, c).text = cell
            rows.clear()

    for line in _lines(source):
        if source.format == "docx-table" and " | " in line:
            rows.append([cell.strip() for cell in line.split(" | ")])
            continue
        flush()
        if line.startswith("# "):
            document.add_heading(line[2:], level=2)
        elif _BULLET.match(line):
            document.add_paragraph(_BULLET.sub("", line), style="List Bullet")
        elif line.strip():
            document.add_paragraph(line)
    flush()
    document.core_properties.created = document.core_properties.modified = _FIXED_TIME
    out = io.BytesIO()
    document.save(out)
    return _fixed_zip_times(out.getvalue())


def _fixed_zip_times(data: bytes) -> bytes:
    """The same bytes on every build: zip entries carry the build's clock otherwise."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            entry = zipfile.ZipInfo(item.filename, date_time=_FIXED_TIME.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, source.read(item.filename))
    return out.getvalue()


def _wrapped(lines: list[str], width: float) -> list[tuple[str, str]]:
    """(font, text) per visual line."""
    result = []
    for line in lines:
        if line.startswith("# "):
            result.append(("", ""))
            result.append(("Helvetica-Bold", line[2:].upper()))
            continue
        if not line.strip():
            result.append(("", ""))
            continue
        text = _BULLET.sub("\u2022 ", line) if _BULLET.match(line) else line
        for part in simpleSplit(text, "Helvetica", 9.5, width):
            result.append(("Helvetica", part))
    return result


def pdf_file(source: Source) -> bytes:
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4, invariant=True)  # same bytes on every build
    pdf.setTitle(source.stem)
    page_width, page_height = A4
    raw = source.body.split("\n")
    if source.format == "pdf-2col":
        side = _wrapped([_unside(line) for line in raw if _side(line)], 150)
        main = _wrapped([line for line in raw if not _side(line)], 340)
        columns = [(40.0, side), (210.0, main)]
    else:
        columns = [(50.0, _wrapped(raw, page_width - 100))]
    rows = max(len(lines) for _, lines in columns)
    y = page_height - 50
    for row in range(rows):
        if y < 50:
            pdf.showPage()
            y = page_height - 50
        for x, lines in columns:  # one row of every column, then the next row
            if row < len(lines) and lines[row][1]:
                font, text = lines[row]
                pdf.setFont(font, 11 if font.endswith("Bold") else 9.5)
                pdf.drawString(x, y, text)
        y -= 13
    pdf.save()
    return out.getvalue()


RENDERERS = {
    "txt": text_file,
    "docx": docx_file,
    "docx-table": docx_file,
    "pdf": pdf_file,
    "pdf-2col": pdf_file,
}


def main() -> None:
    RESUMES.mkdir(exist_ok=True)
    sources = load_sources()
    for source in sources:
        source.rendered.write_bytes(RENDERERS[source.format](source))
    print(f"rendered {len(sources)} resumes into {RESUMES}")


if __name__ == "__main__":
    main()
