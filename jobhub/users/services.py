"""User services: look-ups, account creation under the password policy, profiles, deletion."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import Select, func, insert, or_, select, update

from jobhub import passwords, signals
from jobhub.audit import services as audit
from jobhub.db import db, utcnow
from jobhub.errors import Duplicate, ValidationError
from jobhub.mail.services import send_mail
from jobhub.security import hash_password, password_needs_rehash, verify_password
from jobhub.skills import normalize as normalize_skills
from jobhub.users.models import Role, User

# Fields only a candidate profile has; other roles get a 422 naming them.
CANDIDATE_ONLY_FIELDS = ("skills", "years_experience", "desired_roles", "open_to_work")
# The only attributes update_profile ever writes, whatever dict it is handed.
PROFILE_FIELDS = ("full_name", "headline", "location", "bio", "links", *CANDIDATE_ONLY_FIELDS)
DELETED_EMAIL_DOMAIN = "deleted.invalid"  # RFC 2606: can never receive mail
_dummy_hashes: dict[tuple[int, int], str] = {}


def normalize_email(email: str) -> str:
    return email.strip().lower()


INT4_MAX = 2**31 - 1  # users.id is INTEGER: a larger id names nobody (and must not reach SQL)


def get_user(*, user_id: int) -> User | None:
    if not 0 < user_id <= INT4_MAX:
        return None
    return db.session.get(User, user_id)


def get_user_by_email(*, email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalize_email(email)))


def create_user(*, email: str, password: str, full_name: str, role: Role) -> User:
    """Create an account under the password policy; the email must be free."""
    email = normalize_email(email)
    full_name = " ".join(full_name.split())
    if not full_name:
        raise ValidationError(errors={"json": {"full_name": ["A name is required."]}})
    passwords.enforce(password, email=email, full_name=full_name)
    if get_user_by_email(email=email) is not None:
        raise Duplicate("An account with this email already exists.")
    user = User(
        email=email,
        password_hash=hash_password(password),
        full_name=full_name,
        role=role,
    )
    db.session.add(user)
    db.session.flush()
    return user


# Accounts made by an identity provider have no password: no argon2 hash ever matches
# this, so password sign-in fails for them until a reset link sets one.
NO_PASSWORD = "!no-password"  # noqa: S105  (a marker, not a password)


def create_external_user(*, email: str, full_name: str, role: Role) -> User:
    """An account without a password whose address the identity provider verified."""
    email = normalize_email(email)
    if get_user_by_email(email=email) is not None:
        raise Duplicate("An account with this email already exists.")
    name = "".join(ch for ch in " ".join(full_name.split()) if ch.isprintable())[:200]
    user = User(
        email=email,
        password_hash=NO_PASSWORD,
        full_name=name or email.partition("@")[0][:200],
        role=role,
        email_verified=True,
    )
    db.session.add(user)
    db.session.flush()
    return user


def imported_candidates(*, emails: list[str]) -> dict[str, tuple[int, Role, str]]:
    """The accounts of these (normalised) addresses: ``{email: (id, role, state)}``, read
    in a few statements whatever the count (an import's candidates). ``state``: ``live``,
    ``undone`` (created by an import whose undo soft-deleted it) or ``deleted``."""
    found: dict[str, tuple[int, Role, str]] = {}
    for start in range(0, len(emails), _LOOKUP_CHUNK):
        chunk = emails[start : start + _LOOKUP_CHUNK]
        rows = db.session.execute(
            select(User.email, User.id, User.role, User.deleted_at, User.import_id).where(
                User.email.in_(chunk)
            )
        )
        for email, user_id, role, deleted_at, import_id in rows:
            state = "live" if deleted_at is None else "undone" if import_id else "deleted"
            found[email] = (user_id, role, state)
    return found


_LOOKUP_CHUNK = 5_000


def create_imported_candidates(
    *, accounts: dict[str, str], revive: list[int], import_id: int
) -> dict[str, int]:
    """Candidate accounts for the addresses an import names that have none
    (``{email: full_name}``): no password (they claim the account through the password
    reset flow) and no mail. ``revive``: accounts an earlier import's undo soft-deleted,
    live again and now this import's. Multi-row statements; returns ``{email: id}``."""
    now = utcnow()
    if revive:
        db.session.execute(
            update(User)
            .where(User.id.in_(revive))
            .values(deleted_at=None, is_active=True, import_id=import_id, updated_at=now)
            .execution_options(synchronize_session=False)
        )
    if not accounts:
        return {}
    values = [
        {
            "email": email,
            "password_hash": NO_PASSWORD,
            "full_name": name,
            "role": Role.CANDIDATE,
            "import_id": import_id,
            "created_at": now,
            "updated_at": now,
        }
        for email, name in accounts.items()
    ]
    table = User.__table__
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    ids = db.session.execute(statement, values).scalars()
    return dict(zip(accounts, ids, strict=True))


def remove_imported_candidates(*, import_id: int, user_ids: list[int]) -> int:
    """Soft-delete the accounts among ``user_ids`` that this import created and that are
    still as it left them (no password set, never signed in); returns how many."""
    if not user_ids:
        return 0
    result = db.session.execute(
        update(User)
        .where(
            User.id.in_(user_ids),
            User.import_id == import_id,
            User.deleted_at.is_(None),
            User.password_hash == NO_PASSWORD,
            User.last_login_at.is_(None),
        )
        .values(deleted_at=utcnow(), is_active=False)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def has_password(user: User) -> bool:
    return user.password_hash != NO_PASSWORD


def clear_password(*, user: User) -> None:
    """Remove the password: only a reset link (or a linked identity) signs in from now."""
    user.password_hash = NO_PASSWORD


def _dummy_hash() -> str:
    cfg = current_app.config
    key = (cfg["PASSWORD_HASH_MEMORY_KIB"], cfg["PASSWORD_HASH_TIME_COST"])
    if key not in _dummy_hashes:
        _dummy_hashes[key] = hash_password(secrets.token_urlsafe(16))
    return _dummy_hashes[key]


def authenticate(*, email: str, password: str) -> User | None:
    """The account these credentials open, or None.

    An unknown email costs one hash verification too, so the answer takes as long
    whether or not the account exists. Deleted accounts never match.
    """
    user = get_user_by_email(email=email)
    if user is None or user.deleted_at is not None:
        verify_password(_dummy_hash(), password)
        return None
    if not verify_password(user.password_hash, password):
        return None
    if password_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def check_password(*, user: User, password: str, field: str) -> None:
    """Raise a 422 on ``field`` unless ``password`` is the user's password."""
    if not verify_password(user.password_hash, password):
        raise ValidationError(
            "The password is incorrect.", errors={"json": {field: ["Incorrect password."]}}
        )


def set_password(*, user: User, new_password: str, field: str = "new_password") -> None:
    """Replace the password under the policy; the new one must differ from the old."""
    passwords.enforce(new_password, email=user.email, full_name=user.full_name, field=field)
    if verify_password(user.password_hash, new_password):
        raise ValidationError(
            "The password breaks the policy rule 'same_as_current': choose a new one.",
            errors={
                "json": {field: ["The new password must differ from the current one."]},
                "rule": "same_as_current",
            },
        )
    user.password_hash = hash_password(new_password)


def record_login(*, user: User) -> None:
    user.last_login_at = utcnow()


def mark_email_verified(*, user: User) -> None:
    user.email_verified = True


ACCOUNT_ACTIONS = {
    ("is_active", True): "user.activated",
    ("is_active", False): "user.deactivated",
    ("email_verified", True): "user.verified",
    ("email_verified", False): "user.unverified",
}


def change_account(
    *, user: User, actor: User, is_active: bool | None = None, email_verified: bool | None = None
) -> User:
    """An admin's account change, audited: deactivating ends every session at once."""
    for field, value in (("is_active", is_active), ("email_verified", email_verified)):
        if value is None or getattr(user, field) == value:
            continue
        before = getattr(user, field)
        setattr(user, field, value)
        audit.record(
            action=ACCOUNT_ACTIONS[(field, value)],
            actor=actor,
            target_type="user",
            target_id=user.id,
            changes={field: [before, value]},
        )
    db.session.flush()
    if is_active is False:
        signals.user_deactivated.send(current_app._get_current_object(), user=user)
    return user


def update_profile(*, user: User, changes: dict[str, Any]) -> User:
    """Apply profile changes; candidate-only fields are refused for other roles."""
    not_profile = sorted(set(changes) - set(PROFILE_FIELDS))
    if not_profile:
        raise ValidationError(
            errors={"json": {name: ["Not a profile field."] for name in not_profile}}
        )
    if user.role != Role.CANDIDATE:
        refused = sorted(set(changes) & set(CANDIDATE_ONLY_FIELDS))
        if refused:
            raise ValidationError(
                errors={
                    "json": {name: ["Only candidate profiles have this field."] for name in refused}
                }
            )
    if "full_name" in changes:
        changes["full_name"] = " ".join(changes["full_name"].split())
        if not changes["full_name"]:
            raise ValidationError(errors={"json": {"full_name": ["A name is required."]}})
    if "skills" in changes:
        changes["skills"] = normalize_skills(changes["skills"])
    if "desired_roles" in changes:
        changes["desired_roles"] = list(
            dict.fromkeys(" ".join(r.split()) for r in changes["desired_roles"] if r.strip())
        )
    for name, value in changes.items():
        setattr(user, name, value)
    db.session.flush()
    return user


def users_query(
    *,
    role: Role | None = None,
    is_active: bool | None = None,
    q: str | None = None,
    include_deleted: bool = False,
) -> Select:
    """Users for the admin list, newest first (by id: the primary key index serves it)."""
    query = select(User).order_by(User.id.desc())
    if not include_deleted:
        query = query.where(User.deleted_at.is_(None))
    if role is not None:
        query = query.where(User.role == role)
    if is_active is not None:
        query = query.where(User.is_active.is_(True) if is_active else User.is_active.is_(False))
    if q:
        pattern = "%" + _escape_like(q.strip().lower()) + "%"
        query = query.where(
            or_(
                User.email.like(pattern, escape="\\"),
                func.lower(User.full_name).like(pattern, escape="\\"),
            )
        )
    return query


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def delete_account(*, user: User, password: str) -> dict[str, Any]:
    """Delete an account on its owner's request: confirm the password, then erase it."""
    check_password(user=user, password=password, field="password")
    return erase_account(user=user, actor=user)


# What erasure keeps, and why (the receipt's ``retained``); domains add their own.
RETAINED = (
    {
        "what": "audit log entries of your actions (without your name, email or IP address)",
        "why": "The log is append-only and hash-chained: it proves who did what on the "
        "board (legal obligation and fraud prevention).",
    },
    {
        "what": "your account row (id, role, creation and deletion dates)",
        "why": "Other records refer to it; it holds no personal data any more and can "
        "never sign in again.",
    },
)


def erase_account(
    *, user: User, actor: User | None = None, inactive_days: int | None = None
) -> dict[str, Any]:
    """Erase an account and answer with the receipt ``{erased, anonymised, retained}``.

    ``account_deleted`` goes out before the data is anonymised, so receivers still see
    who the user was; they run in this transaction and each returns its part of the
    receipt (``{"erased": [...], "anonymised": [...], "retained": [{what, why}]}``).
    ``actor`` is who erased it (the user, or None for the inactivity policy).
    """
    send_mail(
        to=user.email,
        subject="Your JobHub account was deleted",
        template="account_deleted",
        context={"full_name": user.full_name, "inactive_days": inactive_days},
    )
    receipt: dict[str, list] = {"erased": [], "anonymised": [], "retained": []}
    responses = signals.account_deleted.send(current_app._get_current_object(), user=user)
    for _receiver, part in responses:
        for key in receipt:
            receipt[key].extend((part or {}).get(key, []))
    _anonymise(user)
    receipt["anonymised"].append("account: email, name, password and profile")
    audit.record(action="user.erased", actor=actor or user, target_type="user", target_id=user.id)
    # The log keeps who did what, never the erased person's IPs, names or emails.
    redacted = audit.redact_user(user_id=user.id)
    receipt["anonymised"].append(
        f"audit log: your name, email and IP addresses ({redacted} entries)"
    )
    receipt["retained"].extend(RETAINED)
    return receipt


def _anonymise(user: User) -> None:
    user.email = f"deleted-{user.id}-{secrets.token_hex(6)}@{DELETED_EMAIL_DOMAIN}"
    user.full_name = "Deleted user"
    # Not an argon2 hash: no password can ever match it.
    user.password_hash = "!deleted"  # noqa: S105
    user.is_active = False
    user.email_verified = False
    user.last_login_at = None
    user.deleted_at = utcnow()
    user.headline = None
    user.location = None
    user.bio = None
    user.skills = []
    user.years_experience = None
    user.desired_roles = []
    user.open_to_work = False
    user.links = {}
    db.session.flush()


# -- the inactivity policy (ACCOUNT_INACTIVE_DAYS) ------------------------------------

INACTIVITY_WARNING_DAYS = 30
INACTIVITY_BATCH = 200


def _last_active() -> Any:
    return func.coalesce(User.last_login_at, User.created_at)


def apply_inactivity_policy(*, now: datetime | None = None) -> dict[str, int]:
    """Warn accounts idle ``ACCOUNT_INACTIVE_DAYS - 30`` days (once), erase those warned
    at least 30 days ago and idle ``ACCOUNT_INACTIVE_DAYS``; a sign-in after the warning
    cancels it. Admin accounts are never erased by the policy. Off when the setting is 0.
    """
    days = current_app.config["ACCOUNT_INACTIVE_DAYS"]
    counts = {"cancelled": 0, "warned": 0, "erased": 0}
    if not days:
        return counts
    now = now or utcnow()
    live = (User.deleted_at.is_(None), User.role != Role.ADMIN)
    cancelled = db.session.execute(
        update(User)
        .where(*live, User.inactivity_warned_at.is_not(None))
        .where(User.last_login_at > User.inactivity_warned_at)
        .values(inactivity_warned_at=None)
        .execution_options(synchronize_session=False)
    )
    counts["cancelled"] = cancelled.rowcount
    due = db.session.scalars(
        select(User)
        .where(*live, User.inactivity_warned_at.is_not(None))
        .where(User.inactivity_warned_at <= now - timedelta(days=INACTIVITY_WARNING_DAYS))
        .where(_last_active() <= now - timedelta(days=days))
        .order_by(User.id)
        .limit(INACTIVITY_BATCH)
    ).all()
    for user in due:
        erase_account(user=user, inactive_days=days)
        counts["erased"] += 1
    to_warn = db.session.scalars(
        select(User)
        .where(*live, User.inactivity_warned_at.is_(None))
        .where(_last_active() <= now - timedelta(days=days - INACTIVITY_WARNING_DAYS))
        .order_by(User.id)
        .limit(INACTIVITY_BATCH)
    ).all()
    erase_on = (now + timedelta(days=INACTIVITY_WARNING_DAYS)).date().isoformat()
    for user in to_warn:
        user.inactivity_warned_at = now
        send_mail(
            to=user.email,
            subject="Your JobHub account will be erased",
            template="account_inactive",
            context={"full_name": user.full_name, "erase_on": erase_on, "inactive_days": days},
        )
        counts["warned"] += 1
    db.session.flush()
    return counts
