"""Resume test fixtures: upload helpers, S3 through moto (the upload directory: tests/support)."""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import boto3
import pytest
from moto.server import ThreadedMotoServer

UPLOAD_URL = "/api/v1/resumes"


@pytest.fixture
def upload(client, auth_headers) -> Callable:
    """POST a file as ``user``: ``upload(user, data, "cv.pdf", content_type=...)``."""

    def post(user, data: bytes, filename: str = "resume.pdf", content_type: str | None = None):
        return client.post(
            UPLOAD_URL,
            headers=auth_headers(user),
            data={"file": (io.BytesIO(data), filename, content_type or "application/pdf")},
            content_type="multipart/form-data",
        )

    return post


def stored_files(root: Path) -> list[Path]:
    """Every file under an upload directory (temporary files included)."""
    return sorted(path for path in root.rglob("*") if path.is_file())


# -- S3 (moto's server mode: real HTTP, so every process and thread can reach it) -------


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_settings(moto_endpoint: str) -> dict[str, str]:
    """Settings for a fresh bucket on the moto server."""
    settings = {
        "S3_BUCKET": f"jobhub-test-{uuid.uuid4().hex[:12]}",
        "S3_ENDPOINT_URL": moto_endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": "us-east-1",
    }
    s3_client(settings).create_bucket(Bucket=settings["S3_BUCKET"])
    return settings


def s3_client(settings: dict[str, str]):
    return boto3.client(
        "s3",
        endpoint_url=settings["S3_ENDPOINT_URL"],
        aws_access_key_id=settings["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=settings["AWS_SECRET_ACCESS_KEY"],
        region_name=settings["AWS_REGION"],
    )


def s3_keys(settings: dict[str, str]) -> list[str]:
    listing = s3_client(settings).list_objects_v2(Bucket=settings["S3_BUCKET"])
    return sorted(item["Key"] for item in listing.get("Contents", []))
