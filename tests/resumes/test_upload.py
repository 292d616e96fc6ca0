"""Uploads: accepted types by content, size limits, zip bombs, names, quota, roles."""

from __future__ import annotations

import codecs
import hashlib
import io
import zipfile

import pytest
from sqlalchemy import func, select

from jobhub.db import db
from jobhub.resumes.models import Resume
from jobhub.storage import StorageUnavailable
from tests.resumes.conftest import UPLOAD_URL, stored_files
from tests.support.documents import (
    RESUME_LINES,
    docx_bytes,
    docx_plus,
    pdf_bytes,
    zip_bytes,
)

MB = 1024 * 1024
TEXT = "\n".join(RESUME_LINES)
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def resume_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Resume))


def assert_refused(response, status: int, error: str, app, upload_dir) -> None:
    assert response.status_code == status, response.get_json()
    body = response.get_json()
    assert body["error"] == error
    assert body["code"] == status and body["request_id"]
    assert resume_count(app) == 0
    assert stored_files(upload_dir) == []


@pytest.mark.parametrize(
    ("data", "name", "file_format", "content_type"),
    [
        (pdf_bytes(RESUME_LINES), "cv.pdf", "pdf", "application/pdf"),
        (docx_bytes(RESUME_LINES), "cv.docx", "docx", DOCX_MIME),
        (TEXT.encode(), "cv.txt", "txt", "text/plain; charset=utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode(), "cv.txt", "txt", "text/plain; charset=utf-8"),
        (
            codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"),
            "cv.txt",
            "txt",
            "text/plain; charset=utf-16",
        ),
    ],
    ids=["pdf", "docx", "utf8", "utf8-bom", "utf16-bom"],
)
def test_each_allowed_type_is_stored_with_its_checksum(
    app, upload, candidate, upload_dir, data, name, file_format, content_type
):
    response = upload(candidate, data, name, "application/octet-stream")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["analysis_status"] == "pending"
    assert body["file_format"] == file_format
    assert body["content_type"] == content_type
    assert body["size_bytes"] == len(data)
    assert body["sha256"] == hashlib.sha256(data).hexdigest()
    assert body["filename"] == name
    [stored] = stored_files(upload_dir)
    assert stored.read_bytes() == data
    assert name not in str(stored)  # stored under a random key, never the client's name
    with app.app_context():
        resume = db.session.get(Resume, body["id"])
        assert resume.user_id == candidate.id
        assert resume.storage_backend == "local"
        assert resume.storage_key == stored.relative_to(upload_dir).as_posix()


def test_the_type_comes_from_the_content_not_the_name(app, upload, candidate, upload_dir):
    response = upload(candidate, TEXT.encode(), "cv.pdf", "application/pdf")
    assert response.status_code == 201
    assert response.get_json()["file_format"] == "txt"
    with app.app_context():
        assert db.session.get(Resume, response.get_json()["id"]).download_name == "cv.txt"


PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (PNG, "cv.pdf"),
        (b"%PDF-1.7\nthis is not really a PDF at all\n%%EOF\n", "cv.pdf"),
        (b"\x7fELF\x02\x01\x01\x00" + bytes(200), "resume.docx"),
        (b"\x7fELF\x02\x01\x01\x00" + bytes(200), "resume.pdf"),
        (b"MZ\x90\x00\x03\x00\x00\x00" + b"This program cannot be run in DOS mode" * 4, "cv.pdf"),
        (b"MZ\x90\x00\x03\x00\x00\x00" + bytes(300), "cv.docx"),
        (b"\xcf\xfa\xed\xfe\x07\x00\x00\x01" + bytes(100), "cv.txt"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "cv.doc"),
        ("Lebenslauf: Müller".encode("latin-1"), "cv.txt"),
        (b"Python developer\x00\x00\x00 with a NUL", "cv.txt"),
        (b"Python developer\x1b[31m with escapes", "cv.txt"),
        (zip_bytes({"notes.txt": b"hello"}), "cv.docx"),
        (b"PK\x03\x04 truncated zip", "cv.docx"),
    ],
    ids=[
        "png-named-pdf",
        "pdf-magic-but-garbage",
        "elf-named-docx",
        "elf-named-pdf",
        "pe-named-pdf",
        "pe-named-docx",
        "macho-named-txt",
        "legacy-doc",
        "latin1-text",
        "nul-bytes",
        "control-chars",
        "plain-zip-named-docx",
        "broken-zip",
    ],
)
def test_anything_else_is_refused_as_unsupported(app, upload, candidate, upload_dir, data, name):
    response = upload(candidate, data, name, "application/pdf")
    assert_refused(response, 415, "unsupported_media_type", app, upload_dir)
    assert "PDF" in response.get_json()["message"]


def _content_types(main: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{main}"/></Types>'
    ).encode()


def test_an_office_file_that_is_not_a_word_document_is_refused(app, upload, candidate, upload_dir):
    rels = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    workbook = zip_bytes(
        {
            "[Content_Types].xml": _content_types(
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
            ),
            "_rels/.rels": rels,
            "xl/workbook.xml": b'<workbook xmlns="http://schemas.openxmlformats.org/'
            b'spreadsheetml/2006/main"/>',
        }
    )
    response = upload(candidate, workbook, "cv.docx")
    assert_refused(response, 415, "unsupported_media_type", app, upload_dir)


def test_a_document_with_macros_is_refused(app, upload, candidate, upload_dir):
    macro = docx_plus({"word/vbaProject.bin": b"\xd0\xcf\x11\xe0" + bytes(64)})
    response = upload(candidate, macro, "cv.docx")
    assert_refused(response, 415, "unsupported_media_type", app, upload_dir)
    assert "macros" in response.get_json()["message"]


class TestZipBombs:
    def test_a_huge_entry_is_refused_before_it_is_unpacked(
        self, app, upload, candidate, upload_dir, monkeypatch
    ):
        bomb = docx_plus({"word/media/filler.bin": bytes(80 * MB)})
        assert len(bomb) < 1 * MB
        opened: list[str] = []
        real_open = zipfile.ZipFile.open

        def spy(archive, name, *args, **kwargs):
            opened.append(name if isinstance(name, str) else name.filename)
            return real_open(archive, name, *args, **kwargs)

        monkeypatch.setattr(zipfile.ZipFile, "open", spy)
        response = upload(candidate, bomb, "cv.docx")
        assert_refused(response, 415, "unsupported_media_type", app, upload_dir)
        assert "word/media/filler.bin" not in opened

    def test_many_small_entries_adding_up_are_refused(self, app, upload, candidate, upload_dir):
        # Each entry is below the ratio check; together they unpack to 60 MB.
        parts = {f"word/media/part{i}.bin": bytes(MB - 1) for i in range(60)}
        response = upload(candidate, docx_plus(parts), "cv.docx")
        assert_refused(response, 415, "unsupported_media_type", app, upload_dir)
        assert "unpacks to more than 50 MB" in response.get_json()["message"]

    def test_a_suspicious_compression_ratio_is_refused(self, app, upload, candidate, upload_dir):
        response = upload(candidate, docx_plus({"word/media/x.bin": bytes(3 * MB)}), "cv.docx")
        assert_refused(response, 415, "unsupported_media_type", app, upload_dir)
        assert "compressed suspiciously well" in response.get_json()["message"]

    def test_too_many_entries_are_refused(self, app, upload, candidate, upload_dir):
        parts = {f"customXml/item{i}.xml": b"<a/>" for i in range(2100)}
        response = upload(candidate, docx_plus(parts), "cv.docx")
        assert_refused(response, 415, "unsupported_media_type", app, upload_dir)
        assert "more than 2000 parts" in response.get_json()["message"]

    def test_archives_nested_twice_are_refused(self, app, upload, candidate, upload_dir):
        inner = zip_bytes({"deeper.zip": zip_bytes({"a.txt": b"a"})})
        response = upload(candidate, docx_plus({"word/embeddings/sheet.xlsx": inner}), "cv.docx")
        assert_refused(response, 415, "unsupported_media_type", app, upload_dir)
        assert "nested" in response.get_json()["message"]

    def test_a_bomb_inside_an_embedded_archive_is_refused(self, app, upload, candidate, upload_dir):
        parts = {f"p{i}.bin": bytes(MB - 1) for i in range(55)}
        embedded = zip_bytes(parts)
        response = upload(candidate, docx_plus({"word/embeddings/sheet.xlsx": embedded}), "cv.docx")
        assert_refused(response, 415, "unsupported_media_type", app, upload_dir)

    def test_one_embedded_workbook_is_fine(self, upload, candidate):
        embedded = zip_bytes({"xl/workbook.xml": b"<workbook/>"})
        response = upload(candidate, docx_plus({"word/embeddings/chart.xlsx": embedded}), "cv.docx")
        assert response.status_code == 201, response.get_json()


class TestSize:
    def test_a_body_announced_too_large_is_refused_before_reading(
        self, app, upload, candidate, upload_dir
    ):
        response = upload(candidate, b"a" * (6 * MB), "big.txt")
        assert_refused(response, 413, "payload_too_large", app, upload_dir)
        assert response.get_json()["message"] == "Resumes may be at most 5 MB."

    def test_a_file_just_over_the_limit_is_refused_while_streaming(
        self, app, upload, candidate, upload_dir
    ):
        # The request is within the multipart allowance; the file itself is one byte over.
        response = upload(candidate, b"a" * (5 * MB + 1), "big.txt")
        assert_refused(response, 413, "payload_too_large", app, upload_dir)

    def test_a_file_of_exactly_the_limit_is_accepted(self, upload, candidate):
        data = (b"Python developer, Django and PostgreSQL.\n" * (5 * MB // 41 + 1))[: 5 * MB]
        response = upload(candidate, data, "max.txt")
        assert response.status_code == 201, response.get_json()
        assert response.get_json()["size_bytes"] == 5 * MB

    def test_a_body_without_length_is_cut_off_while_it_streams(
        self, app, client, auth_headers, candidate, upload_dir
    ):
        class Endless(io.RawIOBase):
            """A chunked body that never ends: the server must stop reading."""

            sent = 0

            def readable(self) -> bool:
                return True

            def readinto(self, buffer) -> int:
                if Endless.sent == 0:
                    head = (
                        b'--X\r\nContent-Disposition: form-data; name="file"; '
                        b'filename="a.txt"\r\nContent-Type: text/plain\r\n\r\n'
                    )
                    buffer[: len(head)] = head
                    Endless.sent += len(head)
                    return len(head)
                buffer[:] = b"a" * len(buffer)
                Endless.sent += len(buffer)
                return len(buffer)

        response = client.post(
            UPLOAD_URL,
            headers={**auth_headers(candidate), "Transfer-Encoding": "chunked"},
            environ_overrides={
                "wsgi.input": Endless(),
                "wsgi.input_terminated": True,  # as gunicorn sets for chunked bodies
                "CONTENT_TYPE": "multipart/form-data; boundary=X",
            },
        )
        assert_refused(response, 413, "payload_too_large", app, upload_dir)
        assert Endless.sent < 6 * MB

    def test_an_empty_file_is_invalid(self, app, upload, candidate, upload_dir):
        response = upload(candidate, b"", "empty.pdf")
        assert_refused(response, 422, "validation_error", app, upload_dir)
        assert response.get_json()["errors"] == {"files": {"file": ["The file is empty."]}}

    def test_a_missing_file_field_is_invalid(self, app, client, auth_headers, candidate):
        response = client.post(
            UPLOAD_URL,
            headers=auth_headers(candidate),
            data={"resume": (io.BytesIO(b"text"), "cv.txt")},
            content_type="multipart/form-data",
        )
        assert response.status_code == 422
        assert "file" in response.get_json()["errors"]["files"]


@pytest.mark.parametrize(
    ("client_name", "display", "download"),
    [
        ("../../../../etc/passwd.pdf", "passwd.pdf", "passwd.txt"),
        ("/var/www/html/index.php", "index.php", "index.txt"),
        ("cv\x07\x1b\x7f.pdf\t", "cv.pdf", "cv.txt"),
        ("Zoë Résumé 2024.txt", "Zoë Résumé 2024.txt", "Zoe_Resume_2024.txt"),
        ("..", "resume.txt", "resume.txt"),
        ("<script>alert(1)</script>.txt", "script>.txt", "script.txt"),
        ("x" * 300 + ".txt", "x" * 196 + ".txt", "x" * 100 + ".txt"),
    ],
    ids=["traversal", "absolute", "controls", "unicode", "dots", "html", "long"],
)
def test_file_names_are_sanitised(
    app, upload, candidate, upload_dir, tmp_path, client_name, display, download
):
    response = upload(candidate, TEXT.encode(), client_name, "text/plain")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["filename"] == display
    with app.app_context():
        assert db.session.get(Resume, body["id"]).download_name == download
    [stored] = stored_files(upload_dir)
    assert stored.is_relative_to(upload_dir)
    assert [path for path in tmp_path.rglob("passwd*")] == []


class TestQuota:
    def test_the_quota_is_enforced_and_freed_by_deleting(
        self, app, client, upload, candidate, auth_headers
    ):
        app.config["RESUME_QUOTA"] = 2
        first = upload(candidate, TEXT.encode(), "a.txt")
        assert upload(candidate, TEXT.encode(), "b.txt").status_code == 201
        refused = upload(candidate, TEXT.encode(), "c.txt")
        assert refused.status_code == 409
        assert refused.get_json()["error"] == "conflict"
        assert "delete one" in refused.get_json()["message"]
        assert resume_count(app) == 2
        deleted = client.delete(
            f"{UPLOAD_URL}/{first.get_json()['id']}", headers=auth_headers(candidate)
        )
        assert deleted.status_code == 204
        assert upload(candidate, TEXT.encode(), "c.txt").status_code == 201

    def test_the_quota_is_per_user(self, app, upload, make_user):
        app.config["RESUME_QUOTA"] = 1
        alice, bob = make_user(role="candidate"), make_user(role="candidate")
        assert upload(alice, TEXT.encode(), "a.txt").status_code == 201
        assert upload(bob, TEXT.encode(), "b.txt").status_code == 201
        assert upload(alice, TEXT.encode(), "c.txt").status_code == 409

    def test_the_default_quota_is_twenty(self, app):
        assert app.config["RESUME_QUOTA"] == 20


@pytest.mark.parametrize("role", ["employer", "admin"])
def test_only_candidates_upload(app, upload, make_user, upload_dir, role):
    response = upload(make_user(role=role), TEXT.encode(), "cv.txt")
    assert_refused(response, 403, "forbidden", app, upload_dir)


def test_anonymous_uploads_are_refused(app, client, upload_dir):
    response = client.post(
        UPLOAD_URL,
        data={"file": (io.BytesIO(TEXT.encode()), "cv.txt")},
        content_type="multipart/form-data",
    )
    assert_refused(response, 401, "unauthorized", app, upload_dir)


def test_storage_failure_answers_503_and_records_nothing(
    app, upload, candidate, upload_dir, monkeypatch
):
    from jobhub.storage.local import LocalStorage

    def broken(*_args, **_kwargs):
        raise StorageUnavailable("disk unavailable")

    monkeypatch.setattr(LocalStorage, "save", broken)
    response = upload(candidate, TEXT.encode(), "cv.txt")
    assert_refused(response, 503, "service_unavailable", app, upload_dir)


def test_damaged_documents_are_refused_or_accepted_never_a_server_error(upload, candidate):
    import random

    rng = random.Random(5)
    pdf, docx = pdf_bytes(RESUME_LINES), docx_bytes(RESUME_LINES)
    damaged = [pdf[: len(pdf) // 2], docx[: len(docx) // 2], b"%PDF-1.4\n" + bytes(range(256))]
    for original in (pdf, docx):
        for _ in range(6):
            data = bytearray(original)
            for _ in range(20):
                data[rng.randrange(8, len(data))] = rng.randrange(256)
            damaged.append(bytes(data))
    statuses = {upload(candidate, data, "cv.bin").status_code for data in damaged}
    assert statuses <= {201, 415}
    assert 415 in statuses
