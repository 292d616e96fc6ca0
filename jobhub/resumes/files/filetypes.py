"""Decide what an uploaded file is from its bytes: PDF, DOCX or plain text, or nothing.

The client's file name and content type are never trusted. A type is accepted only
when the magic bytes say so *and* the file parses as that type; a DOCX is a zip, so
its central directory is checked against zip-bomb limits before anything is unpacked.
"""

from __future__ import annotations

import codecs
import enum
import io
import logging
import re
import struct
import zipfile
from dataclasses import dataclass
from typing import BinaryIO

import pypdf
from docx import Document


class FileFormat(enum.StrEnum):
    PDF = "pdf"
    DOCX = "docx"
    TEXT = "txt"


log = logging.getLogger(__name__)

NOT_A_WORD_DOCUMENT = "The file is a zip archive but not a readable Word document."
PDF_MIME = "application/pdf"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DOCX_MAIN_PART = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"

# Zip-bomb limits, checked on the central directory before any entry is decompressed.
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024  # every entry, nested archives included
MAX_ENTRIES = 2000
MAX_RATIO = 100  # uncompressed / compressed, for entries big enough to matter
RATIO_CHECK_FROM = 1024 * 1024  # small XML parts compress far better than 100:1, harmlessly
MAX_NESTING = 1  # an embedded archive (a chart's workbook) may not contain another
NESTED_ARCHIVE_SUFFIXES = (".zip", ".docx", ".docm", ".xlsx", ".xlsm", ".pptx", ".jar", ".odt")
ARCHIVE_MAGICS = (b"PK\x03\x04", b"\x1f\x8b", b"7z\xbc\xaf\x27\x1c", b"Rar!", b"BZh")

# Executables and other binaries that are refused outright, whatever their name says.
BINARY_MAGICS = (
    b"\x7fELF",
    b"MZ",
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
    b"\xd0\xcf\x11\xe0",  # legacy OLE (.doc): not accepted, macros live there
    *ARCHIVE_MAGICS,
)
# C0 controls other than tab, LF, FF and CR (and DEL): a text file has none of them.
_BINARY_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_EOCD = b"PK\x05\x06"
_EOCD_SIZE = 22
_MAX_ZIP_COMMENT = 0xFFFF


class UnsupportedFile(Exception):
    """The file is not an acceptable PDF, DOCX or text file; the message says why."""


@dataclass(frozen=True)
class DetectedType:
    file_format: FileFormat
    content_type: str
    encoding: str | None = None  # text files only

    @property
    def extension(self) -> str:
        return "." + self.file_format.value


def detect(stream: BinaryIO) -> DetectedType:
    """Return the file's type, or raise UnsupportedFile; the stream is left at its start."""
    stream.seek(0)
    head = stream.read(8)
    stream.seek(0)
    try:
        if head.startswith(b"%PDF-"):
            return _check_pdf(stream)
        if head.startswith(b"PK\x03\x04"):
            return _check_docx(stream)
        if head.startswith(BINARY_MAGICS):
            raise UnsupportedFile("Executables, archives and other binary files are not accepted.")
        return _check_text(stream)
    finally:
        stream.seek(0)


def _check_pdf(stream: BinaryIO) -> DetectedType:
    try:
        reader = pypdf.PdfReader(stream, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnsupportedFile("Password-protected PDFs are not accepted.")
        if len(reader.pages) < 1:
            raise UnsupportedFile("The PDF has no pages.")
    except UnsupportedFile:
        raise
    except Exception as exc:  # pypdf raises many types (and recursion errors) on bad input
        log.info("refused a PDF that does not parse: %r", exc)
        raise UnsupportedFile("The file starts like a PDF but is not a readable PDF.") from exc
    return DetectedType(FileFormat.PDF, PDF_MIME)


# -- DOCX --------------------------------------------------------------------------


@dataclass
class _Budget:
    uncompressed: int = 0
    entries: int = 0


def declared_entry_count(stream: BinaryIO) -> int:
    """Entries the end-of-central-directory record announces, read before parsing them all."""
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    tail_start = max(0, size - _EOCD_SIZE - _MAX_ZIP_COMMENT)
    stream.seek(tail_start)
    tail = stream.read()
    stream.seek(0)
    at = tail.rfind(_EOCD)
    if at < 0 or len(tail) - at < _EOCD_SIZE:
        raise UnsupportedFile("The file is a damaged zip archive.")
    (entries,) = struct.unpack("<H", tail[at + 10 : at + 12])
    if entries == 0xFFFF:
        raise UnsupportedFile("ZIP64 archives are not accepted as Word documents.")
    return entries


def check_zip_limits(
    archive: zipfile.ZipFile, *, depth: int = 0, budget: _Budget | None = None
) -> None:
    """Refuse zip bombs from the central directory; nested archives share the budget."""
    budget = budget or _Budget()
    for info in archive.infolist():
        budget.entries += 1
        budget.uncompressed += info.file_size
        if budget.entries > MAX_ENTRIES:
            raise UnsupportedFile(f"The document has more than {MAX_ENTRIES} parts.")
        if budget.uncompressed > MAX_UNCOMPRESSED_BYTES:
            raise UnsupportedFile(
                f"The document unpacks to more than {MAX_UNCOMPRESSED_BYTES // (1024 * 1024)} MB."
            )
        if info.file_size >= RATIO_CHECK_FROM and info.file_size > MAX_RATIO * max(
            info.compress_size, 1
        ):
            raise UnsupportedFile("The document is compressed suspiciously well (a zip bomb?).")
        if info.flag_bits & 0x1:
            raise UnsupportedFile("Encrypted documents are not accepted.")
    for info in archive.infolist():
        if info.is_dir() or not _is_nested_archive(archive, info):
            continue
        if depth >= MAX_NESTING:
            raise UnsupportedFile("The document contains archives nested inside archives.")
        # Its size was counted above and is bounded by the budget, so unpacking it is safe.
        with archive.open(info) as member:
            nested_bytes = member.read()
        try:
            with zipfile.ZipFile(io.BytesIO(nested_bytes)) as nested:
                check_zip_limits(nested, depth=depth + 1, budget=budget)
        except zipfile.BadZipFile as exc:
            raise UnsupportedFile("The document contains an unreadable embedded archive.") from exc


def _is_nested_archive(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    if info.filename.lower().endswith(NESTED_ARCHIVE_SUFFIXES):
        return True
    if info.file_size < 4:
        return False
    with archive.open(info) as member:
        return member.read(8).startswith(ARCHIVE_MAGICS)


def _check_docx(stream: BinaryIO) -> DetectedType:
    try:
        if declared_entry_count(stream) > MAX_ENTRIES:
            raise UnsupportedFile(f"The document has more than {MAX_ENTRIES} parts.")
        with zipfile.ZipFile(stream) as archive:
            check_zip_limits(archive)
            names = set(archive.namelist())
            if "[Content_Types].xml" not in names:
                raise UnsupportedFile("The zip file is not an Office Open XML document.")
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                raise UnsupportedFile("Documents with macros are not accepted.")
            if archive.testzip() is not None:
                raise UnsupportedFile("The document is damaged (a part fails its checksum).")
        stream.seek(0)
        document = Document(stream)
        if document.part.content_type != DOCX_MAIN_PART:
            raise UnsupportedFile("Only Word documents (.docx) are accepted.")
    except UnsupportedFile:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError) as exc:
        log.info("refused a zip that is not a Word document: %s", exc)
        raise UnsupportedFile(NOT_A_WORD_DOCUMENT) from exc
    except Exception as exc:  # lxml and python-docx raise many types on malformed parts
        log.info("refused a malformed Word document: %r", exc)
        raise UnsupportedFile(NOT_A_WORD_DOCUMENT) from exc
    return DetectedType(FileFormat.DOCX, DOCX_MIME)


# -- text --------------------------------------------------------------------------


def text_encoding(data: bytes) -> str | None:
    """The encoding a resume text file is read with: UTF-8, or UTF-16 with a BOM."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    return "utf-8"


def decode_text(data: bytes) -> str:
    """Decode a text file as detected; raises UnsupportedFile when it is not clean text."""
    encoding = text_encoding(data)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise UnsupportedFile(
            "The file is neither a PDF nor a Word document, and not UTF-8 or UTF-16 text."
        ) from exc
    if _BINARY_CONTROLS.search(text):
        raise UnsupportedFile("The file contains binary data; only plain text is accepted.")
    return text


def _check_text(stream: BinaryIO) -> DetectedType:
    data = stream.read()
    decode_text(data)
    encoding = text_encoding(data)
    charset = "utf-16" if encoding == "utf-16" else "utf-8"
    return DetectedType(FileFormat.TEXT, f"text/plain; charset={charset}", encoding)
