"""A real python-socketio client whose events are read from a queue with deadlines."""

from __future__ import annotations

import queue
import threading
import time
from typing import Any

import socketio

OWN_ORIGIN = "own"


class LiveClient:
    """Connects with ``auth={"token": ...}``; every event lands in ``self.events``.

    ``origin`` is the ``Origin`` header sent, as a browser does: by default the server's
    own (a page it served; websocket-client sends that by itself too), None for none.
    """

    def __init__(
        self,
        url: str,
        token: str | None,
        *,
        transports: list[str] | None = None,
        origin: str | None = OWN_ORIGIN,
    ):
        self.url = url
        self.token = token
        self.transports = transports or ["websocket"]
        self.origin = url if origin == OWN_ORIGIN else origin
        self.events: queue.Queue[tuple[str, Any]] = queue.Queue()
        self.connect_errors: list[Any] = []
        self.disconnected = threading.Event()
        self.disconnect_reasons: list[str] = []
        # websocket-client writes its own Origin header: set or suppress that one rather
        # than adding a second through ``headers``, which polling requests use.
        websocket_options = (
            {"origin": self.origin} if self.origin is not None else {"suppress_origin": True}
        )
        self.sio = socketio.Client(reconnection=False, websocket_extra_options=websocket_options)
        self.sio.on("connect_error", self._on_connect_error)
        self.sio.on("disconnect", self._on_disconnect)
        self.sio.on("*", self._on_event)

    def _on_connect_error(self, data: Any = None) -> None:
        self.connect_errors.append(data)

    def _on_disconnect(self, reason: str = "") -> None:
        self.disconnect_reasons.append(reason)
        self.disconnected.set()

    def _on_event(self, event: str, *args: Any) -> None:
        self.events.put((event, args[0] if args else None))

    def connect(self) -> LiveClient:
        auth = {"token": self.token} if self.token is not None else None
        headers = {"Origin": self.origin} if self.origin and "polling" in self.transports else {}
        self.sio.connect(
            self.url, auth=auth, headers=headers, transports=self.transports, wait_timeout=10
        )
        return self

    def refused_with(self) -> str:
        """Connect, expect a refusal, and return its ``error`` code."""
        try:
            self.connect()
        except socketio.exceptions.ConnectionError:
            pass
        else:
            self.close()
            raise AssertionError("the connection was accepted")
        assert self.connect_errors, "refused without a connect_error"
        data = self.connect_errors[-1]
        # socket.io's connect_error: {"message": ..., "data": <what the server attached>}
        assert isinstance(data, dict) and data.get("message"), data
        return data["data"]["error"]

    def connect_if_possible(self) -> bool:
        """Connect; False (and no exception) if the server refused."""
        try:
            self.connect()
        except socketio.exceptions.ConnectionError:
            return False
        return True

    def handshake_refused(self) -> bool:
        """True when the server refuses the transport itself (a bad ``Origin``): socket.io's
        own connect never runs, so no ``connect_error`` carries a server ``data.error``."""
        try:
            self.connect()
        except socketio.exceptions.ConnectionError:
            return not any(isinstance(error, dict) for error in self.connect_errors)
        self.close()
        return False

    def next_event(self, name: str | None = None, *, timeout: float = 10.0) -> tuple[str, Any]:
        """The next event (named ``name``, skipping others), failing after ``timeout`` s."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no {name or 'event'} within {timeout}s")
            try:
                event = self.events.get(timeout=remaining)
            except queue.Empty:
                continue
            if name is None or event[0] == name:
                return event

    def next_payload(self, name: str, *, timeout: float = 10.0) -> Any:
        return self.next_event(name, timeout=timeout)[1]

    def call(self, event: str, data: Any, *, timeout: float = 10.0) -> Any:
        return self.sio.call(event, data, timeout=timeout)

    @property
    def connected(self) -> bool:
        return self.sio.connected

    def close(self) -> None:
        if self.sio.connected:
            self.sio.disconnect()
