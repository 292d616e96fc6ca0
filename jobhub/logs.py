"""Logging: JSON lines on stdout, each carrying the request id of the request it belongs to."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

from flask import g, has_request_context

# Attributes every LogRecord has; anything else was passed with ``extra=`` and is kept.
_STANDARD_ATTRS = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = g.get("request_id") if has_request_context() else None
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat().replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRS and value is not None:
                line[key] = value
        if record.exc_info:
            line["exc_info"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


def configure_logging(level: str, *, json_lines: bool) -> None:
    """One stdout handler on the root logger; safe to call once per app."""
    root = logging.getLogger()
    root.setLevel(level)
    for handler in root.handlers:
        if getattr(handler, "jobhub", False):
            root.removeHandler(handler)
    handler = logging.StreamHandler(sys.stdout)
    handler.jobhub = True  # type: ignore[attr-defined]
    handler.addFilter(RequestIdFilter())
    formatter = (
        JsonFormatter()
        if json_lines
        else logging.Formatter("%(levelname)s %(name)s [%(request_id)s] %(message)s")
    )
    handler.setFormatter(formatter)
    root.addHandler(handler)
