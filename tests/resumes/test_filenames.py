"""File name helpers: display names, ASCII download names, Content-Disposition."""

from __future__ import annotations

import pytest

from jobhub.resumes.files.filenames import content_disposition, display_name, download_name


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("..\\..\\Windows\\System32\\cv.pdf", "cv.pdf"),
        ("../../etc/passwd", "passwd"),
        ("cv\x00.pdf\r\n", "cv.pdf"),
        ("\u202ecod.exe", "cod.exe"),  # right-to-left override is a control character
        ("  spaced   out  .pdf ", "spaced out .pdf"),
        ("", "resume.pdf"),
        (None, "resume.pdf"),
        ("...", "resume.pdf"),
        ("Lebenslauf Müller.pdf", "Lebenslauf Müller.pdf"),
    ],
)
def test_display_names_keep_the_name_without_paths_or_controls(given, expected):
    assert display_name(given, ".pdf") == expected


def test_long_display_names_keep_their_extension():
    name = display_name("a" * 500 + ".docx", ".docx")
    assert len(name) == 200 and name.endswith(".docx")


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("Zoë Résumé.pdf", "Zoe_Resume.docx"),
        ("../../etc/passwd", "passwd.docx"),
        ("履歴書.pdf", "resume.docx"),
        ("cv.pdf.exe", "cv.pdf.docx"),
    ],
)
def test_download_names_are_ascii_with_the_detected_extension(given, expected):
    assert download_name(given, ".docx") == expected


def test_content_disposition_carries_both_names():
    header = content_disposition(ascii_name="resume.pdf", display="履歴書 v2.doc", extension=".pdf")
    assert header.startswith('attachment; filename="resume.pdf"; ')
    assert header.endswith("filename*=UTF-8''%E5%B1%A5%E6%AD%B4%E6%9B%B8%20v2.pdf")
