"""The configured backends of an app, built once and cached on it."""

from __future__ import annotations

from flask import Flask, current_app

from jobhub.storage.base import Storage, StorageError
from jobhub.storage.local import LocalStorage

BACKENDS = ("local", "s3")
_EXTENSION = "jobhub_storage"


def get_storage(name: str | None = None, *, app: Flask | None = None) -> Storage:
    """The backend called ``name`` (the configured STORAGE_BACKEND by default)."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    name = name or app.config["STORAGE_BACKEND"]
    cache: dict[str, Storage] = app.extensions.setdefault(_EXTENSION, {})
    if name not in cache:
        cache[name] = _build(name, app)
    return cache[name]


def _build(name: str, app: Flask) -> Storage:
    config = app.config
    if name == "local":
        return LocalStorage(config["UPLOAD_DIR"])
    if name == "s3":
        if not config.get("S3_BUCKET"):
            raise StorageError("S3_BUCKET is not configured: the s3 backend is unavailable")
        from jobhub.storage.s3 import S3Storage, make_client  # boto3 loads only when used

        client = make_client(
            endpoint_url=config["S3_ENDPOINT_URL"],
            region=config["AWS_REGION"],
            addressing_style=config["S3_ADDRESSING_STYLE"],
            access_key_id=config["AWS_ACCESS_KEY_ID"],
            secret_access_key=config["AWS_SECRET_ACCESS_KEY"],
            session_token=config["AWS_SESSION_TOKEN"],
        )
        return S3Storage(client=client, bucket=config["S3_BUCKET"], prefix=config["S3_KEY_PREFIX"])
    raise StorageError(f"unknown storage backend {name!r}; expected one of {', '.join(BACKENDS)}")
