"""Writing, verifying and redacting the audit log: the one audit writer (``record``)."""

from __future__ import annotations

import enum
import hashlib
import json
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask import g, has_request_context, request
from sqlalchemy import or_, select, text, update

from jobhub.audit.models import AuditEntry
from jobhub.db import db, utcnow

GENESIS = "0" * 64
# pg_advisory_xact_lock key of the chain head: one writer appends at a time.
CHAIN_LOCK_KEY = 0x4A0B_A0D1
# Fields of ``changes`` that are personal data: kept beside the chain, erased by
# redact_user (SPEC §10), covered by the row's salted digest.
PERSONAL_FIELDS = frozenset(
    {"email", "full_name", "name", "phone", "headline", "location", "bio", "user_agent", "ip"}
)


def record(
    *,
    action: str,
    actor: Any = None,
    target_type: str | None = None,
    target_id: int | str | None = None,
    changes: dict | None = None,
    subject_id: int | None = None,
) -> AuditEntry:
    """Append one entry to the audit log, in the current transaction.

    ``changes`` is ``{field: [before, after]}`` (or any JSON-able detail); ``actor`` a
    User or None (the system). ``subject_id`` names the user whose personal data the row
    holds besides the actor's (a target user is that by default), for ``redact_user``.
    The caller's role, IP and request id come from the request context when there is one.
    """
    plain, personal = _split(_jsonable(changes or {}))
    ip, request_id = _request_context()
    salt = secrets.token_hex(16)
    entry = AuditEntry(
        at=utcnow(),
        actor_id=getattr(actor, "id", None),
        actor_role=_role_of(actor),
        action=_clean(action),
        target_type=_clean(target_type),
        target_id=None if target_id is None else _clean(str(target_id))[:64],
        subject_id=subject_id if subject_id is not None else _user_target(target_type, target_id),
        changes=plain,
        request_id=request_id,
        ip=ip,
        personal=personal or None,
        salt=salt,
        personal_digest=personal_digest(salt=salt, ip=ip, personal=personal or None),
    )
    _lock_chain()
    entry.prev_hash = _chain_head()
    entry.hash = chain_hash(entry.prev_hash, entry)
    db.session.add(entry)
    db.session.flush()
    return entry


def _role_of(actor: Any) -> str:
    if actor is None:
        return "system"
    role = getattr(actor, "role", None)
    return str(getattr(role, "value", role) or "unknown")


def _user_target(target_type: str | None, target_id: int | str | None) -> int | None:
    if target_type == "user" and target_id is not None and str(target_id).isdigit():
        return int(target_id)
    return None


def _request_context() -> tuple[str | None, str | None]:
    if not has_request_context():
        return None, None
    return _clean(request.remote_addr), g.get("request_id")


def _clean(value: str | None) -> str | None:
    # PostgreSQL text cannot hold NUL; a chain entry must store exactly what it hashed.
    return None if value is None else value.replace("\x00", "")


def _jsonable(value: Any) -> Any:
    """What JSON will give back: the hash is taken over the stored values, not the given."""
    return json.loads(
        json.dumps(value, default=_default, ensure_ascii=False).replace("\\u0000", "")
    )


def _default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, set | frozenset | tuple):
        return sorted(value, key=str)
    return str(value)


def _split(changes: Any) -> tuple[dict, dict]:
    if not isinstance(changes, dict):
        return {"value": changes}, {}
    plain = {k: v for k, v in changes.items() if k not in PERSONAL_FIELDS}
    personal = {k: v for k, v in changes.items() if k in PERSONAL_FIELDS}
    return plain, personal


def _lock_chain() -> None:
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK_KEY})


def _chain_head() -> str:
    head = db.session.scalar(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1))
    return head or GENESIS


# -- the chain ---------------------------------------------------------------------


def _canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def personal_digest(*, salt: str, ip: str | None, personal: dict | None) -> str:
    """SHA-256 over the row's salt and its personal values: what the chain covers of them."""
    return hashlib.sha256(_canonical({"salt": salt, "ip": ip, "personal": personal})).hexdigest()


def content_of(entry: AuditEntry) -> dict[str, Any]:
    """What a row's hash covers (besides the previous hash); personal values only by digest."""
    return {
        "at": entry.at.isoformat(timespec="microseconds").replace("+00:00", "Z"),
        "actor_id": entry.actor_id,
        "actor_role": entry.actor_role,
        "action": entry.action,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "subject_id": entry.subject_id,
        "changes": entry.changes or {},
        "request_id": entry.request_id,
        "personal_digest": entry.personal_digest,
    }


def chain_hash(prev_hash: str, entry: AuditEntry) -> str:
    """SHA-256 over the previous row's hash and this row's canonical content."""
    return hashlib.sha256(prev_hash.encode() + b"\n" + _canonical(content_of(entry))).hexdigest()


@dataclass(frozen=True)
class Verification:
    rows: int
    bad_id: int | None = None
    reason: str | None = None

    @property
    def ok(self) -> bool:
        return self.bad_id is None


def verify_chain(*, batch_size: int = 1000) -> Verification:
    """Walk the chain in id order; the first row that does not match, and why."""
    head, rows = GENESIS, 0
    for entry in _entries(batch_size):
        reason = _mismatch(entry, head)
        if reason:
            return Verification(rows=rows, bad_id=entry.id, reason=reason)
        head, rows = entry.hash, rows + 1
    return Verification(rows=rows)


def _entries(batch_size: int) -> Iterator[AuditEntry]:
    last = 0
    while True:
        batch = db.session.scalars(
            select(AuditEntry).where(AuditEntry.id > last).order_by(AuditEntry.id).limit(batch_size)
        ).all()
        yield from batch
        if len(batch) < batch_size:
            return
        last = batch[-1].id
        db.session.expunge_all()


def _mismatch(entry: AuditEntry, head: str) -> str | None:
    if entry.prev_hash != head:
        return "its prev_hash is not the previous row's hash (a row was removed or reordered)"
    if entry.salt is not None and entry.personal_digest != personal_digest(
        salt=entry.salt, ip=entry.ip, personal=entry.personal
    ):
        return "its personal values (ip, names) do not match their digest"
    if entry.hash != chain_hash(head, entry):
        return "its content does not match its hash"
    return None


# -- erasure -----------------------------------------------------------------------


def redact_user(*, user_id: int) -> int:
    """Erase a user's personal values from the audit log (SPEC §10); the rows they acted in
    or were the subject of keep everything else, and the chain still verifies.

    Sets ``ip``, ``personal`` and ``salt`` to NULL: the only UPDATE the PostgreSQL trigger
    allows. Returns how many rows it redacted.
    """
    result = db.session.execute(
        update(AuditEntry)
        .where(or_(AuditEntry.actor_id == user_id, AuditEntry.subject_id == user_id))
        .where(AuditEntry.salt.is_not(None))
        .values(ip=None, personal=None, salt=None, redacted_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def shown_changes(entry: AuditEntry) -> dict[str, Any]:
    """``changes`` as the log shows it: the personal fields merged back, or marked redacted."""
    merged = dict(entry.changes or {})
    if entry.personal:
        merged.update(entry.personal)
    elif entry.redacted_at is not None:
        merged["redacted"] = True
    return merged


# -- reading -----------------------------------------------------------------------

CSV_COLUMNS = (
    "id",
    "at",
    "actor_id",
    "actor_role",
    "action",
    "target_type",
    "target_id",
    "changes",
    "ip",
    "request_id",
    "hash",
)
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> str:
    """A CSV cell: None empty, formula-looking text prefixed with ``'`` (SPEC §10)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        text_value = value.isoformat().replace("+00:00", "Z")
    elif isinstance(value, dict | list):
        text_value = json.dumps(value, sort_keys=True, ensure_ascii=False)
    else:
        text_value = str(value)
    return "'" + text_value if text_value.startswith(_FORMULA_STARTS) else text_value


def csv_rows(query: Any, *, batch_size: int = 500) -> Iterator[list[str]]:
    """The header, then one row per entry of ``query`` (newest first), read in batches."""
    yield list(CSV_COLUMNS)
    last: int | None = None
    while True:
        page = query if last is None else query.where(AuditEntry.id < last)
        batch = db.session.scalars(page.limit(batch_size)).all()
        for entry in batch:
            values = {c: getattr(entry, c) for c in CSV_COLUMNS if c != "changes"}
            values["changes"] = shown_changes(entry)
            yield [csv_cell(values[c]) for c in CSV_COLUMNS]
        if len(batch) < batch_size:
            return
        last = batch[-1].id
        db.session.expunge_all()
