"""What the checks create and share: accounts, their tokens, and the ids of rows made."""

from __future__ import annotations

import io
import secrets
import uuid
from dataclasses import dataclass, field

from docx import Document

from jobhub.apicheck.client import Upload

ROLES = ("candidate", "employer", "colleague", "throwaway")
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass
class Account:
    role: str
    email: str
    full_name: str
    password: str = field(default_factory=lambda: new_password())
    new_password: str = field(default_factory=lambda: new_password())
    token: str | None = None
    refresh_token: str | None = None


@dataclass
class World:
    """Accounts by their part in the run, and ids by path-parameter name."""

    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:10])
    accounts: dict[str, Account] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)
    admin_token: str | None = None
    # A receiver URL the deployment accepts for a webhook (--webhook-url).
    webhook_url: str | None = None
    # A job of an unverified company is seen by candidates once an admin approves it.
    job_approved: bool = False
    analysis_done: bool = False
    # The jobs import (a dry run): validated, then (after /confirm) done.
    import_validated: bool = False
    import_done: bool = False
    # The throwaway's two-factor secret, recovery codes and sign-in token.
    mfa: dict[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for part in ROLES:
            role = "employer" if part in ("employer", "colleague") else "candidate"
            self.accounts[part] = Account(
                role=role,
                email=f"apicheck-{self.run_id}-{part}@example.com",
                full_name=f"Check {part.title()} Run",
            )

    def token(self, part: str) -> str | None:
        """The bearer token of ``part`` (``admin``, an account, or ``anonymous``: none)."""
        if part == "admin":
            return self.admin_token
        account = self.accounts.get(part)
        return account.token if account else None


def new_password() -> str:
    """A strong random password: hex digits cannot spell any account's name or email."""
    return f"Kq-{secrets.token_hex(10)}-Zx"


def import_upload(company_id: int) -> Upload:
    """A jobs CSV for ``POST /imports`` (a dry run): one valid row, one without its
    required description (skipped, so it is in errors.csv)."""
    content = (
        b"title,description,status,skills\r\n"
        b"Imported Data Engineer,Pipelines on PostgreSQL.,draft,python; postgresql\r\n"
        b"Imported Row Without Description,,draft,\r\n"
    )
    fields = (
        ("resource", "jobs"),
        ("company_id", str(company_id)),
        ("dry_run", "true"),
        ("skip_invalid", "true"),
    )
    return Upload("file", "jobs.csv", "text/csv", content, fields)


def resume_upload() -> Upload:
    """A small Word resume, built in memory."""
    document = Document()
    document.add_heading("Check Candidate Run", level=1)
    document.add_paragraph("Senior backend engineer: Python, PostgreSQL, Docker, Redis.")
    document.add_heading("Experience", level=2)
    document.add_paragraph("2018-2026 Backend engineer at Example Corp: Flask APIs, Celery.")
    document.add_heading("Education", level=2)
    document.add_paragraph("MSc Computer Science, 2017")
    buffer = io.BytesIO()
    document.save(buffer)
    return Upload("file", "resume.docx", DOCX_TYPE, buffer.getvalue())
