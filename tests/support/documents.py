"""Real documents made on the fly: PDFs (reportlab), Word files (python-docx), zips."""

from __future__ import annotations

import io
import zipfile

from docx import Document
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

# A resume whose analysis is known exactly (see tests/resumes/test_analysis_task.py).
RESUME_LINES = [
    "Alex Rivera",
    "alex.rivera@example.com | +1 555 010 2030",
    "Summary",
    "Backend developer with 6+ years of experience building APIs in Python and Go.",
    "Experience",
    "Senior Backend Engineer, Northwind Labs, Mar 2020 \u2013 Feb 2024",
    "Designed microservices with Django and FastAPI on AWS; data in postgres and Redis.",
    "Deployed with Docker and k8s; wrote JS tooling for the front end.",
    "I go the extra mile for a swift response to incidents and joined R&D spikes.",
    "Software Engineer, Contoso, 2016 \u2013 2020",
    "Built data pipelines in Python with Pandas; services written in Go.",
    "Education",
    "B.Sc. in Computer Science, University of Leeds, 2012 \u2013 2016",
    "Skills",
    "Python, Go, Django, FastAPI, PostgreSQL, Redis, Docker, Kubernetes, JavaScript, Git",
]


def pdf_bytes(lines: list[str], *, lines_per_page: int = 60) -> bytes:
    """A text PDF with one line of Helvetica per entry."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    _, height = A4
    for start in range(0, max(len(lines), 1), lines_per_page):
        pdf.setFont("Helvetica", 10)
        y = height - 50
        for line in lines[start : start + lines_per_page]:
            pdf.drawString(50, y, line)
            y -= 13
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def image_only_pdf(pages: int = 1) -> bytes:
    """A PDF with shapes and no text at all, as a scan looks to a text extractor."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    for _ in range(pages):
        for row in range(40):
            pdf.rect(50, 60 + row * 18, 400 - (row % 7) * 30, 9, fill=1)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def docx_bytes(
    paragraphs: list[str],
    *,
    table: list[list[str]] | None = None,
    header: str | None = None,
) -> bytes:
    """A Word document with the paragraphs, an optional table and page header."""
    document = Document()
    if header is not None:
        document.sections[0].header.paragraphs[0].text = header
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for row, values in zip(grid.rows, table, strict=True):
            for cell, value in zip(row.cells, values, strict=True):
                cell.text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def zip_bytes(entries: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx_plus(extra: dict[str, bytes], *, base: bytes | None = None) -> bytes:
    """A real Word document with extra zip entries added (bombs, macros, archives)."""
    source = zipfile.ZipFile(io.BytesIO(base or docx_bytes(["Jane Doe", "Python developer"])))
    entries = {info.filename: source.read(info) for info in source.infolist()}
    entries.update(extra)
    return zip_bytes(entries)
