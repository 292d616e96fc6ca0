"""Storage backends: the local directory, S3 through moto, and files kept in step with commits."""

from __future__ import annotations

import io
import socket

import pytest

from jobhub.config import ConfigError, TestingConfig
from jobhub.db import db, transaction
from jobhub.storage import (
    StorageError,
    StorageUnavailable,
    StoredFileNotFound,
    delete_after_commit,
    get_storage,
    save_in_transaction,
    sha256_of,
)
from jobhub.storage.local import LocalStorage
from jobhub.storage.s3 import S3Storage, make_client
from tests.resumes.conftest import UPLOAD_URL, s3_client, s3_keys, stored_files
from tests.support.documents import RESUME_LINES, pdf_bytes

PDF = pdf_bytes(RESUME_LINES)
SHA = sha256_of(io.BytesIO(PDF))


class TestLocal:
    @pytest.mark.parametrize(
        "key", ["../escape", "/etc/passwd", "a/../../b", "a//b", "", ".hidden", "a/./b", "x" * 300]
    )
    def test_unsafe_keys_are_refused(self, tmp_path, key):
        storage = LocalStorage(tmp_path / "root")
        with pytest.raises(StorageError, match="invalid storage key"):
            storage.save(key, io.BytesIO(b"x"), content_type="text/plain", sha256="0")
        assert list(tmp_path.rglob("*")) == []

    def test_round_trip_without_leftovers(self, tmp_path):
        storage = LocalStorage(tmp_path)
        storage.save("resumes/ab/abc", io.BytesIO(PDF), content_type="application/pdf", sha256=SHA)
        assert storage.exists("resumes/ab/abc")
        assert storage.checksum("resumes/ab/abc") == SHA
        assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == ["abc"]  # no temp file
        storage.delete("resumes/ab/abc")
        storage.delete("resumes/ab/abc")  # deleting twice is fine
        assert not storage.exists("resumes/ab/abc")
        with pytest.raises(StoredFileNotFound):
            storage.open("resumes/ab/abc")

    def test_a_failed_write_leaves_nothing(self, tmp_path):
        class Broken(io.RawIOBase):
            def readable(self) -> bool:
                return True

            def readinto(self, buffer) -> int:
                raise OSError(5, "Input/output error")

        storage = LocalStorage(tmp_path)
        with pytest.raises(StorageUnavailable):
            storage.save("k/x", Broken(), content_type="text/plain", sha256="0")
        assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


class TestTransactional:
    def test_a_file_written_in_a_rolled_back_transaction_is_removed(self, app_ctx, upload_dir):
        storage = get_storage()
        written = []

        def write_then_fail() -> None:
            with transaction():
                save_in_transaction(
                    storage, "t/rolled", io.BytesIO(b"a"), content_type="x", sha256="0"
                )
                written.append(storage.exists("t/rolled"))
                raise RuntimeError("the request failed")

        with pytest.raises(RuntimeError):
            write_then_fail()
        assert written == [True]
        assert not storage.exists("t/rolled")
        with transaction():
            save_in_transaction(storage, "t/kept", io.BytesIO(b"b"), content_type="x", sha256="0")
        assert storage.exists("t/kept")
        db.session.rollback()  # a later rollback does not touch a committed file
        assert storage.exists("t/kept")

    def test_a_file_is_deleted_only_after_the_commit(self, app_ctx, upload_dir):
        storage = get_storage()
        storage.save("t/doomed", io.BytesIO(b"a"), content_type="x", sha256="0")

        def delete_then_fail() -> None:
            with transaction():
                delete_after_commit(storage, "t/doomed")
                raise RuntimeError("rolled back")

        with pytest.raises(RuntimeError):
            delete_then_fail()
        assert storage.exists("t/doomed")
        with transaction():
            delete_after_commit(storage, "t/doomed")
            assert storage.exists("t/doomed")
        assert not storage.exists("t/doomed")


class TestS3:
    @pytest.fixture
    def storage(self, s3_settings) -> S3Storage:
        client = make_client(
            endpoint_url=s3_settings["S3_ENDPOINT_URL"],
            region="us-east-1",
            addressing_style="path",
            access_key_id="testing",
            secret_access_key="testing",
            session_token=None,
        )
        return S3Storage(client=client, bucket=s3_settings["S3_BUCKET"], prefix="jobhub/")

    def test_round_trip(self, storage, s3_settings):
        storage.save("resumes/ab/abc", io.BytesIO(PDF), content_type="application/pdf", sha256=SHA)
        assert s3_keys(s3_settings) == ["jobhub/resumes/ab/abc"]
        head = s3_client(s3_settings).head_object(
            Bucket=s3_settings["S3_BUCKET"], Key="jobhub/resumes/ab/abc"
        )
        assert head["ContentType"] == "application/pdf"
        assert head["Metadata"] == {"sha256": SHA}
        assert storage.exists("resumes/ab/abc")
        with storage.open("resumes/ab/abc") as stream:
            assert stream.read() == PDF
        assert storage.checksum("resumes/ab/abc") == SHA
        storage.delete("resumes/ab/abc")
        assert not storage.exists("resumes/ab/abc")
        assert s3_keys(s3_settings) == []

    def test_a_missing_object_is_not_found(self, storage):
        with pytest.raises(StoredFileNotFound):
            storage.open("resumes/none")

    def test_a_missing_bucket_is_a_lasting_error(self, storage):
        storage.bucket = "no-such-bucket-here"
        with pytest.raises(StorageError) as raised:
            storage.save("k", io.BytesIO(b"x"), content_type="text/plain", sha256="0")
        assert not isinstance(raised.value, StorageUnavailable)

    def test_an_unreachable_endpoint_is_transient(self):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        client = make_client(
            endpoint_url=f"http://127.0.0.1:{port}",
            region="us-east-1",
            addressing_style="path",
            access_key_id="testing",
            secret_access_key="testing",
            session_token=None,
        )
        with pytest.raises(StorageUnavailable):
            S3Storage(client=client, bucket="b").open("k")


class TestS3AsTheDefault:
    @pytest.fixture
    def app_environ(self, backend, upload_dir, s3_settings):
        return backend.environ(UPLOAD_DIR=str(upload_dir), STORAGE_BACKEND="s3", **s3_settings)

    def test_uploads_downloads_analysis_and_deletion_go_through_s3(
        self, app, client, auth_headers, candidate, upload, upload_dir, s3_settings
    ):
        from jobhub.resumes.tasks import analyze_resume

        created = upload(candidate, PDF, "cv.pdf")
        assert created.status_code == 201
        resume_id = created.get_json()["id"]
        [key] = s3_keys(s3_settings)
        assert key.startswith("resumes/")
        assert stored_files(upload_dir) == []
        headers = auth_headers(candidate)
        assert client.get(f"{UPLOAD_URL}/{resume_id}/file", headers=headers).data == PDF
        with app.app_context():
            analyze_resume.apply(args=[resume_id])
        body = client.get(f"{UPLOAD_URL}/{resume_id}/analysis", headers=headers).get_json()
        assert body["status"] == "done" and "python" in body["skills"]
        assert client.delete(f"{UPLOAD_URL}/{resume_id}", headers=headers).status_code == 204
        assert s3_keys(s3_settings) == []


class TestConfig:
    def test_an_unknown_backend_is_refused(self):
        with pytest.raises(ConfigError, match="STORAGE_BACKEND"):
            TestingConfig({"STORAGE_BACKEND": "ftp"})

    def test_s3_needs_a_bucket(self):
        with pytest.raises(ConfigError, match="S3_BUCKET"):
            TestingConfig({"STORAGE_BACKEND": "s3"})

    def test_s3_settings_are_read_in_config_only(self):
        config = TestingConfig(
            {
                "STORAGE_BACKEND": "s3",
                "S3_BUCKET": "b",
                "S3_ENDPOINT_URL": "http://minio:9000",
                "AWS_ACCESS_KEY_ID": "id",
                "AWS_SECRET_ACCESS_KEY": "secret",
                "AWS_DEFAULT_REGION": "eu-west-1",
            }
        )
        assert config.S3_ADDRESSING_STYLE == "path"
        assert config.AWS_REGION == "eu-west-1"
        assert config.AWS_ACCESS_KEY_ID == "id"
        assert TestingConfig({}).S3_ADDRESSING_STYLE == "auto"

    def test_the_s3_backend_without_a_bucket_is_unavailable(self, app_ctx):
        with pytest.raises(StorageError, match="S3_BUCKET is not configured"):
            get_storage("s3")


class TestS3Refusing:
    @pytest.fixture
    def app_environ(self, backend, upload_dir, s3_settings):
        settings = {**s3_settings, "S3_BUCKET": "a-bucket-nobody-created"}
        return backend.environ(UPLOAD_DIR=str(upload_dir), STORAGE_BACKEND="s3", **settings)

    def test_a_bucket_that_refuses_uploads_is_a_503(self, app, upload, candidate):
        response = upload(candidate, PDF, "cv.pdf")
        assert response.status_code == 503
        assert response.get_json()["error"] == "service_unavailable"
