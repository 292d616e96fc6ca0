"""Reading mail in tests: the memory backend's outbox, with Celery run in-process.

In the PostgreSQL + Redis run tasks go to the Redis broker and no worker runs them;
``Mailbox(app)`` makes that app's Celery eager, so a mail queued after a commit is
delivered to the outbox before the request returns, on both backends.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

from flask import Flask

from jobhub.mail.backends import OutgoingMail, clear_outbox, outbox

_LINK = re.compile(r"https?://\S+\?token=[A-Za-z0-9_\-]+")


def eager_tasks(app: Flask) -> None:
    """Run this app's Celery tasks in-process (as the SQLite run always does)."""
    conf = app.extensions["celery"].conf
    conf.task_always_eager = True
    conf.task_eager_propagates = True


class Mailbox:
    def __init__(self, app: Flask) -> None:
        assert app.config["MAIL_BACKEND"] == "memory"
        eager_tasks(app)
        self.app = app
        clear_outbox(app)

    @property
    def messages(self) -> list[OutgoingMail]:
        return list(outbox(self.app))

    def to(self, address: str, *, template: str | None = None) -> list[OutgoingMail]:
        return [
            mail
            for mail in self.messages
            if mail.to == address and (template is None or mail.template == template)
        ]

    def last(self, address: str, template: str) -> OutgoingMail:
        found = self.to(address, template=template)
        assert found, f"no {template!r} mail to {address}; outbox: {self.messages}"
        return found[-1]

    def token(self, address: str, template: str) -> str:
        """The token of the link in the last such mail (checked in both parts)."""
        mail = self.last(address, template)
        link = _LINK.search(mail.text)
        assert link, mail.text
        token = parse_qs(urlparse(link.group()).query)["token"][0]
        assert token in mail.html
        return token

    def clear(self) -> None:
        clear_outbox(self.app)
