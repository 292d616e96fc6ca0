"""Text out of stored resumes (pypdf, python-docx, plain text), cleaned the same way."""

from __future__ import annotations

import re
import unicodedata
from typing import BinaryIO

import pypdf
from docx import Document
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from jobhub.resumes.files.filetypes import FileFormat, UnsupportedFile, decode_text

MAX_PAGES = 50  # a resume longer than this is analysed on its first pages
MAX_TEXT_CHARS = 200_000
MIN_LETTERS = 30  # fewer letters than this is "no text" (a scan, an empty page)
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_BLANK_LINES = re.compile(r"\n{3,}")


class AnalysisFailed(Exception):
    """The resume cannot be analysed; the message is shown to its owner."""


def clean_text(text: str) -> str:
    """NFKC (ligatures, full-width forms), one space between words, at most one blank line."""
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()[:MAX_TEXT_CHARS]


def extract_text(stream: BinaryIO, file_format: FileFormat) -> str:
    """The resume's text, cleaned; raises AnalysisFailed with a reason the owner can act on."""
    if file_format is FileFormat.PDF:
        text = clean_text(_pdf_text(stream))
        if _letters(text) < MIN_LETTERS:
            raise AnalysisFailed(
                "No text could be extracted: the PDF seems to contain only scanned images. "
                "Upload a PDF with selectable text, or a Word document."
            )
        return text
    if file_format is FileFormat.DOCX:
        text = clean_text(_docx_text(stream))
    else:
        try:
            text = clean_text(decode_text(stream.read()))
        except UnsupportedFile as exc:
            raise AnalysisFailed(f"The text file cannot be read: {exc}") from exc
    if _letters(text) < MIN_LETTERS:
        raise AnalysisFailed("The resume contains (almost) no text to analyse.")
    return text


def _letters(text: str) -> int:
    return sum(1 for char in text if char.isalpha())


def _pdf_text(stream: BinaryIO) -> str:
    try:
        reader = pypdf.PdfReader(stream, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise AnalysisFailed("The PDF is password-protected.")
        pages = [page.extract_text() or "" for page in reader.pages[:MAX_PAGES]]
    except AnalysisFailed:
        raise
    except RecursionError as exc:
        raise AnalysisFailed("The PDF could not be read (its structure is too deep).") from exc
    except Exception as exc:  # pypdf raises many types on damaged files
        raise AnalysisFailed(f"The PDF could not be read ({type(exc).__name__}).") from exc
    return "\n\n".join(pages)


def _docx_text(stream: BinaryIO) -> str:
    try:
        document = Document(stream)
    except Exception as exc:  # python-docx and lxml raise many types on damaged files
        raise AnalysisFailed(
            f"The Word document could not be read ({type(exc).__name__})."
        ) from exc
    lines: list[str] = []
    if document.sections:
        # Names and contact details often sit in the first page's header.
        lines.extend(p.text for p in document.sections[0].header.paragraphs)
    # Every paragraph in document order: body, table cells and text boxes alike. A text
    # box also appears in its legacy fallback copy, which is skipped.
    for element in document.element.body.iter(qn("w:p")):
        if any(ancestor.tag == _FALLBACK for ancestor in element.iterancestors()):
            continue
        lines.append(Paragraph(element, document).text)
    return "\n".join(lines)
