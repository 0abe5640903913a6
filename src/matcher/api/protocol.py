"""The HTTP/1.1 protocol uvicorn serves the API with: h11, answering a request it cannot parse
(a malformed request line, headers over h11's 16 KiB limit) in the API's JSON error shape
instead of uvicorn's plain text. The only module that imports uvicorn's protocol internals."""

from __future__ import annotations

import json

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

PROTOCOL = "matcher.api.protocol:JsonErrorsH11"
"""What `uvicorn.run(http=...)` is given (a string: worker processes import it themselves)."""


class JsonErrorsH11(H11Protocol):
    """uvicorn's h11 protocol with its 400 answer in the shape of every API error."""

    def send_400_response(self, msg: str) -> None:
        body = json.dumps(
            {
                "error": f"{msg.rstrip('.')}: a malformed request line, or headers over "
                "16 KiB; send a well-formed request with smaller headers",
                "code": "bad-request",
            }
        ).encode("utf-8")
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode("ascii")),
            (b"connection", b"close"),
        ]
        self.transport.write(self.conn.send(h11.Response(status_code=400, headers=headers)))
        self.transport.write(self.conn.send(h11.Data(data=body)))
        self.transport.write(self.conn.send(h11.EndOfMessage()))
        self.transport.close()
