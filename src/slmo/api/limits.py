"""The request body limit, enforced without reading a body that is too large.

A declared ``Content-Length`` over the limit is refused before a byte of the body is read;
a body sent without one (chunked) is counted as it arrives and refused as soon as it passes
the limit. Either way the answer is 413 and nothing is written.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from slmo.api.problems import problem


class BodyTooLargeError(Exception):
    """Raised from ``receive`` inside a route; the app's handler answers 413."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"the request body is larger than {limit} bytes")
        self.limit = limit


class BodyLimit:
    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            response = problem(413, f"the request body is larger than {self.limit} bytes", key="too-large")
            await response(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise BodyTooLargeError(self.limit)
            return message

        await self.app(scope, counted, send)
