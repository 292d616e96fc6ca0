"""The mail service: render a text and an HTML template, deliver after the commit.

``send_mail`` renders at once (so template errors surface in the request that caused
them) and queues the Celery task ``mail.send`` after the commit (``db.enqueue_after_commit``):
a rolled-back transaction sends nothing.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Mapping, Sequence
from email.utils import make_msgid, parseaddr
from pathlib import Path
from typing import Any

from flask import current_app
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from jobhub.db import enqueue_after_commit
from jobhub.mail.backends import OutgoingMail

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates" / "mail"
_TEMPLATE_NAME = re.compile(r"^[a-z0-9][a-z0-9_/-]*$")
# What must never reach a header: CR/LF (header injection), other controls, and the
# Unicode line separators some mail clients honour.
_UNSAFE_IN_HEADER = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]+")
log = logging.getLogger("jobhub.mail")


def header_text(value: str) -> str:
    """A header value made safe where it is used: every line break or control character
    (from a job title, a company name...) becomes a space, runs of spaces one."""
    return " ".join(_UNSAFE_IN_HEADER.sub(" ", value).split())


@functools.cache
def _environment() -> Environment:
    # StrictUndefined: a missing variable fails the request instead of mailing a blank.
    return Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=select_autoescape(enabled_extensions=("html",), default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render(*, template: str, context: Mapping[str, Any]) -> tuple[str, str]:
    """Render ``mail/<template>.txt`` and ``.html`` (autoescaped) with ``context``."""
    if not _TEMPLATE_NAME.match(template):
        raise ValueError(f"invalid mail template name {template!r}")
    full_context = {
        "app_name": "JobHub",
        "public_base_url": current_app.config["PUBLIC_BASE_URL"].rstrip("/"),
        **context,
    }
    environment = _environment()
    text = environment.get_template(f"{template}.txt").render(full_context)
    html = environment.get_template(f"{template}.html").render(full_context)
    return text, html


def send_mail(
    *,
    to: str,
    subject: str,
    template: str,
    context: dict,
    attachments: Sequence[tuple[str, str, str]] = (),
) -> None:
    """Render a mail now and deliver it from a Celery task once the transaction commits.

    ``attachments`` are ``(filename, mimetype, text content)``, e.g.
    ``("invite.ics", "text/calendar; method=REQUEST", ics_text)``.
    """
    if header_text(to) != to.strip():
        # An address is checked where it is stored; one that is not an address is dropped,
        # never allowed to fail the transaction of whoever triggered the mail.
        log.warning("mail %s not sent: the recipient is not a single address", template)
        return
    try:
        text, html = render(template=template, context=context)
    except Exception:
        # A side effect never fails the request that caused it (tests see the error).
        log.exception("mail %s could not be rendered; not sent", template)
        if current_app.testing:
            raise
        return
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    domain = parseaddr(sender)[1].rpartition("@")[2] or "jobhub.local"
    mail = OutgoingMail(
        message_id=make_msgid(domain=domain),
        sender=sender,
        to=to.strip(),
        subject=header_text(subject),
        text=text,
        html=html,
        attachments=tuple((name, mimetype, content) for name, mimetype, content in attachments),
        template=template,
    )
    enqueue_after_commit("mail.send", mail.to_dict())
