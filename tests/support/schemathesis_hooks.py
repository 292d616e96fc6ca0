"""Loaded into the schemathesis process by the fuzz harness (``SCHEMATHESIS_HOOKS``).

schemathesis 4.32.5 crashed on its own with two workers: building coverage cases,
hypothesis describes a filter's lambda by ``ast.parse``-ing the source of schemathesis'
coverage module, and CPython 3.11's parser is not safe when two threads parse at once
("SystemError: AST constructor recursion depth mismatch", reported as an error of
``GET /admin/audit`` or ``POST /webhooks/{id}/rotate-secret``: none of ours). Parsing is
serialised here; nothing else changes. Drop this file once the runtime or hypothesis
no longer parses from several threads.
"""

from __future__ import annotations

import ast
import threading
from typing import Any

_LOCK = threading.Lock()
_parse = ast.parse


def _serialised_parse(*args: Any, **kwargs: Any) -> ast.AST:
    with _LOCK:
        return _parse(*args, **kwargs)


ast.parse = _serialised_parse
