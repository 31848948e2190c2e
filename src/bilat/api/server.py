"""The HTTP side of ``bilat serve``: uvicorn with a deadline for slow clients.

uvicorn's h11 protocol times out idle keep-alive connections but not a client that opens a
connection and sends its request slowly or never: 100 such sockets hold 100 connections for as
long as they like (slowloris). ``TimedH11Protocol`` gives every request ``REQUEST_TIMEOUT``
seconds from the connection (or the end of the previous answer) to arrive whole (headers and
body), then answers 408 and closes. The time the app takes to answer is not counted (the
query runner has its own limit).
"""

from __future__ import annotations

import asyncio
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

#: Seconds a client has to send a whole request.
REQUEST_TIMEOUT = 10.0


class TimedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol, closing connections whose request does not arrive in time."""

    request_timeout: float = REQUEST_TIMEOUT

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm()  # the next request on this connection has its own deadline

    def _arm(self) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(self.request_timeout, self._too_slow)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _too_slow(self) -> None:
        self._deadline = None
        if self.transport.is_closing():
            return
        if self.conn.their_state in (h11.DONE, h11.MUST_CLOSE, h11.CLOSED):
            return  # the request is in: the app is answering it
        if self.cycle is not None and not self.cycle.response_started:
            self.cycle.disconnected = True  # a body that never ended: the app stops reading
        body = b'{"detail":"the request did not arrive in time; send it whole"}'
        if self.conn.our_state in (h11.IDLE, h11.SEND_RESPONSE) and (
            self.cycle is None or not self.cycle.response_started
        ):
            self.transport.write(
                b"HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json\r\n"
                b"connection: close\r\ncontent-length: "
                + str(len(body)).encode()
                + b"\r\n\r\n"
                + body
            )
        self.transport.close()


def config(app: Any, host: str, port: int, request_timeout: float = REQUEST_TIMEOUT) -> Any:
    """A uvicorn Config serving ``app`` with slow clients timed out."""
    import uvicorn

    protocol = type("Protocol", (TimedH11Protocol,), {"request_timeout": request_timeout})
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        http=protocol,
        timeout_keep_alive=5,
        # beyond this many open connections, new ones get 503 at once rather than a wait
        limit_concurrency=256,
    )
