"""Files in an S3-compatible bucket (AWS S3, MinIO, Ceph) through boto3."""

from __future__ import annotations

import io
from typing import Any, BinaryIO

import boto3
from botocore.config import Config as BotoConfig
from botocore.exceptions import BotoCoreError, ClientError, HTTPClientError
from botocore.exceptions import ConnectionError as BotoConnectionError

from jobhub.storage.base import (
    Storage,
    StorageError,
    StorageUnavailable,
    StoredFileNotFound,
    validate_key,
)

_NOT_FOUND = {"404", "NoSuchKey", "NotFound"}
_TRANSIENT = {
    "RequestTimeout",
    "RequestTimeTooSkewed",
    "SlowDown",
    "Throttling",
    "ThrottlingException",
    "ServiceUnavailable",
    "InternalError",
    "503",
    "500",
}


def make_client(
    *,
    endpoint_url: str | None,
    region: str,
    addressing_style: str,
    access_key_id: str | None,
    secret_access_key: str | None,
    session_token: str | None,
) -> Any:
    """A boto3 S3 client from explicit settings (config.py is the only reader of the env)."""
    session = boto3.session.Session(
        aws_access_key_id=access_key_id,
        aws_secret_access_key=secret_access_key,
        aws_session_token=session_token,
        region_name=region,
    )
    return session.client(
        "s3",
        endpoint_url=endpoint_url,
        config=BotoConfig(
            s3={"addressing_style": addressing_style},
            retries={"mode": "standard", "max_attempts": 3},
            connect_timeout=5,
            read_timeout=30,
        ),
    )


def _translate(exc: Exception, key: str) -> StorageError:
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        code = str(error.get("Code", ""))
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0
        if code in _NOT_FOUND:
            return StoredFileNotFound(f"no stored file {key}")
        if code in _TRANSIENT or status >= 500:
            return StorageUnavailable(f"S3 refused {key} for now: {code}")
        return StorageError(f"S3 refused {key}: {code}")
    if isinstance(exc, BotoConnectionError | HTTPClientError):
        return StorageUnavailable(f"S3 unreachable for {key}: {exc}")
    return StorageError(f"S3 failed for {key}: {exc}")


class _S3Reader(io.RawIOBase):
    """A readable stream over an object's body that reports network failures as ours."""

    def __init__(self, body: Any, key: str) -> None:
        self._body = body
        self._key = key

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        try:
            data = self._body.read(len(buffer))
        except (BotoCoreError, ClientError) as exc:
            raise _translate(exc, self._key) from exc
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self._body.close()
        super().close()


class S3Storage(Storage):
    """One bucket, an optional key prefix."""

    name = "s3"

    def __init__(self, *, client: Any, bucket: str, prefix: str = "") -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix

    def _object_key(self, key: str) -> str:
        return self.prefix + validate_key(key)

    def save(self, key: str, stream: BinaryIO, *, content_type: str, sha256: str) -> None:
        try:
            self.client.put_object(
                Bucket=self.bucket,
                Key=self._object_key(key),
                Body=stream,
                ContentType=content_type,
                Metadata={"sha256": sha256},
            )
        except (BotoCoreError, ClientError) as exc:
            raise _translate(exc, key) from exc

    def open(self, key: str) -> BinaryIO:
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=self._object_key(key))
        except (BotoCoreError, ClientError) as exc:
            raise _translate(exc, key) from exc
        return io.BufferedReader(_S3Reader(response["Body"], key))  # type: ignore[return-value]

    def delete(self, key: str) -> None:
        try:
            self.client.delete_object(Bucket=self.bucket, Key=self._object_key(key))
        except (BotoCoreError, ClientError) as exc:
            raise _translate(exc, key) from exc

    def exists(self, key: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=self._object_key(key))
        except (BotoCoreError, ClientError) as exc:
            error = _translate(exc, key)
            if isinstance(error, StoredFileNotFound):
                return False
            raise error from exc
        return True
