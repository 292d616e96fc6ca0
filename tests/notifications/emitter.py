"""A separate process raising notifications: ``python -m tests.notifications.emitter``.

It builds the app from its environment (as a Celery worker or a CLI command would)
and commits; its pushes reach the sockets held by gunicorn through the Redis queue.
"""

from __future__ import annotations

import argparse
import json

from jobhub import create_app
from jobhub.db import db, transaction
from jobhub.notifications.services import notify
from jobhub.users.models import User


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--user-id", type=int, action="append", required=True)
    parser.add_argument("--type", default="application.status_changed")
    parser.add_argument("--title", required=True)
    parser.add_argument("--data", default="{}")
    args = parser.parse_args()
    app = create_app()
    with app.app_context():
        for user_id in args.user_id:
            with transaction():
                notification = notify(
                    user=db.session.get(User, user_id),
                    type=args.type,
                    title=args.title,
                    body="Raised in another process.",
                    data=json.loads(args.data),
                )
            print(json.dumps({"user_id": user_id, "id": notification.id}), flush=True)  # noqa: T201


if __name__ == "__main__":
    main()
