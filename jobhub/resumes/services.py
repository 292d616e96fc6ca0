"""Resume services: upload, deletion, file access and account clean-up.

The analysis that follows an upload is ``jobhub.resumes.processing``; reads are ``queries``.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, BinaryIO

from flask import current_app
from sqlalchemy import delete, func, select
from werkzeug.datastructures import FileStorage

from jobhub.audit import services as audit
from jobhub.db import db, enqueue_after_commit, utcnow
from jobhub.errors import (
    Conflict,
    NotFound,
    PayloadTooLarge,
    ServiceUnavailable,
    UnsupportedMediaType,
    ValidationError,
)
from jobhub.resumes.files import filenames, filetypes
from jobhub.resumes.models import AnalysisStatus, Resume, ResumeSkill
from jobhub.resumes.processing.services import new_token
from jobhub.storage import (
    StorageError,
    StorageUnavailable,
    StoredFileNotFound,
    delete_after_commit,
    get_storage,
    save_in_transaction,
)
from jobhub.users.models import User

log = logging.getLogger(__name__)
CHUNK_SIZE = 64 * 1024
SPOOL_IN_MEMORY = 1024 * 1024
ACCEPTED = "Upload a PDF, a Word document (.docx) or a plain-text file."


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB"


def too_large_message() -> str:
    return f"Resumes may be at most {megabytes(current_app.config['RESUME_MAX_BYTES'])}."


def _new_storage_key() -> str:
    token = secrets.token_hex(16)
    return f"resumes/{token[:2]}/{token}"


def _check_quota(owner: User) -> None:
    # Lock the owner's row so that concurrent uploads count one after the other.
    db.session.execute(select(User.id).where(User.id == owner.id).with_for_update())
    limit = current_app.config["RESUME_QUOTA"]
    count = db.session.scalar(
        select(func.count()).select_from(Resume).where(Resume.user_id == owner.id)
    )
    if count >= limit:
        raise Conflict(
            f"You already have {count} resumes, the most one account may keep "
            f"({limit}); delete one to upload another."
        )


@contextmanager
def _spooled(stream: IO[bytes], *, max_bytes: int) -> Iterator[tuple[BinaryIO, int, str]]:
    """Copy the upload while counting and hashing it, refusing it past ``max_bytes``."""
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY) as spool:
        digest = hashlib.sha256()
        size = 0
        while chunk := stream.read(CHUNK_SIZE):
            size += len(chunk)
            if size > max_bytes:
                raise PayloadTooLarge(too_large_message())
            digest.update(chunk)
            spool.write(chunk)
        spool.seek(0)
        yield spool, size, digest.hexdigest()  # type: ignore[misc]


def upload_resume(*, owner: User, upload: FileStorage) -> Resume:
    """Check, store and record an uploaded resume; its analysis is queued after commit."""
    _check_quota(owner)
    with _spooled(upload.stream, max_bytes=current_app.config["RESUME_MAX_BYTES"]) as (
        spool,
        size,
        digest,
    ):
        if size == 0:
            raise ValidationError(
                "The file is empty.", errors={"files": {"file": ["The file is empty."]}}
            )
        try:
            detected = filetypes.detect(spool)
        except filetypes.UnsupportedFile as exc:
            raise UnsupportedMediaType(f"{exc} {ACCEPTED}") from exc
        storage = get_storage()
        resume = Resume(
            user_id=owner.id,
            filename=filenames.display_name(upload.filename, detected.extension),
            download_name=filenames.download_name(upload.filename, detected.extension),
            file_format=detected.file_format,
            content_type=detected.content_type,
            size_bytes=size,
            sha256=digest,
            storage_key=_new_storage_key(),
            storage_backend=storage.name,
            analysis_status=AnalysisStatus.PENDING,
            analysis_queued_at=utcnow(),
            analysis_token=new_token(),
        )
        try:
            save_in_transaction(
                storage,
                resume.storage_key,
                spool,
                content_type=detected.content_type,
                sha256=digest,
            )
        except StorageError as exc:
            log.error("resume upload could not be stored: %s", exc)
            raise ServiceUnavailable("File storage is unavailable; try again shortly.") from exc
    db.session.add(resume)
    db.session.flush()
    _enqueue_analysis(resume)
    return resume


def _enqueue_analysis(resume: Resume) -> None:
    enqueue_after_commit("resumes.analyze", resume.id, token=resume.analysis_token)


def delete_resume(*, resume: Resume) -> None:
    """Delete the resume; its stored file goes once the deletion commits."""
    _delete_files_after_commit(resume)
    db.session.delete(resume)
    db.session.flush()


def _delete_files_after_commit(resume: Resume) -> None:
    for backend in {resume.storage_backend, resume.stale_storage_backend} - {None}:
        try:
            storage = get_storage(backend)
        except StorageError:
            log.exception("cannot delete %s: backend %s unavailable", resume.storage_key, backend)
            continue
        delete_after_commit(storage, resume.storage_key)


def delete_resumes_of(*, user: User) -> int:
    """Delete every resume of a user (account deletion); files go after the commit."""
    resumes = db.session.scalars(select(Resume).where(Resume.user_id == user.id)).all()
    ids = [resume.id for resume in resumes]
    for resume in resumes:
        delete_resume(resume=resume)
    if ids:
        # The analyses (skill rows) go with them on every backend: PostgreSQL cascades,
        # SQLite (foreign keys not enforced) would keep them (SPEC §10: analyses erased).
        db.session.execute(delete(ResumeSkill).where(ResumeSkill.resume_id.in_(ids)))
    return len(resumes)


def open_resume_file(*, resume: Resume, actor: User | None = None) -> BinaryIO:
    """A stream of the stored file, from the backend that holds it.

    Anyone but the owner (an employer the resume was sent to, an admin) downloading it
    is recorded in the audit log, in the request's transaction.
    """
    if actor is not None and actor.id != resume.user_id:
        audit.record(
            action="resume.downloaded",
            actor=actor,
            target_type="resume",
            target_id=resume.id,
            subject_id=resume.user_id,
        )
    try:
        return get_storage(resume.storage_backend).open(resume.storage_key)
    except StoredFileNotFound as exc:
        log.error("resume %s: stored file %s is missing", resume.id, resume.storage_key)
        raise NotFound("The file of this resume is no longer available.") from exc
    except StorageUnavailable as exc:
        raise ServiceUnavailable("File storage is unavailable; try again shortly.") from exc
    except StorageError as exc:
        log.error("resume %s: storage refused %s: %s", resume.id, resume.storage_key, exc)
        raise ServiceUnavailable("File storage is unavailable; try again shortly.") from exc
