"""File names: a clean display name, a safe ASCII download name, Content-Disposition."""

from __future__ import annotations

import posixpath
import unicodedata
from urllib.parse import quote

from werkzeug.utils import secure_filename

MAX_DISPLAY_LENGTH = 200
MAX_DOWNLOAD_STEM = 100
FALLBACK_STEM = "resume"


def display_name(client_name: str | None, extension: str) -> str:
    """The client's name without directories or control characters, any script, capped.

    Shown back to its owner as the resume's ``filename``; never used as a path.
    """
    name = unicodedata.normalize("NFC", client_name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = " ".join(name.split()).strip(" .")
    if not name:
        return FALLBACK_STEM + extension
    if len(name) > MAX_DISPLAY_LENGTH:
        stem, ext = posixpath.splitext(name)
        ext = ext if len(ext) <= 10 else ""
        name = stem[: MAX_DISPLAY_LENGTH - len(ext)].rstrip(" .") + ext
    return name


def download_name(client_name: str | None, extension: str) -> str:
    """An ASCII name safe everywhere (werkzeug's secure_filename), ending in the real type."""
    stem = posixpath.splitext(display_name(client_name, extension))[0]
    safe = secure_filename(stem)[:MAX_DOWNLOAD_STEM].strip("._") or FALLBACK_STEM
    return safe + extension


def content_disposition(*, ascii_name: str, display: str, extension: str) -> str:
    """``attachment`` with an ASCII fallback and the UTF-8 display name (RFC 6266/5987)."""
    stem = posixpath.splitext(display)[0] or FALLBACK_STEM
    utf8_name = quote(stem + extension, safe="")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{utf8_name}"
