"""The client address behind trusted proxies (pure ASGI middleware).

Each proxy in front of the server appends the address it received the connection from to
`X-Forwarded-For`; everything to the left of what our own proxies added was written by the client
and proves nothing. With `trusted_hops = N` (1 on Railway: its edge proxy) the client address is the
N-th entry from the right; with 0 the header is ignored and the peer address is the client. A
request that carries fewer entries than there are trusted hops did not come through the proxies:
its peer address stays. The result replaces `scope["client"]`, so the login limits see it.
"""

from __future__ import annotations

import ipaddress
from typing import Any


def client_from_forwarded(values: list[str], trusted_hops: int) -> str | None:
    """The address `trusted_hops` entries from the right of the joined `X-Forwarded-For` values."""
    if trusted_hops <= 0:
        return None
    entries = [e.strip() for v in values for e in v.split(",") if e.strip()]
    if len(entries) < trusted_hops:
        return None
    candidate = entries[-trusted_hops]
    if candidate.startswith("[") and "]" in candidate:  # "[v6]:port"
        candidate = candidate[1:candidate.index("]")]
    elif candidate.count(":") == 1:  # "v4:port"
        candidate = candidate.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


class ClientAddressMiddleware:
    def __init__(self, app: Any, trusted_hops: int) -> None:
        self.app = app
        self.trusted_hops = trusted_hops

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if self.trusted_hops > 0 and scope["type"] in ("http", "websocket"):
            values = [v.decode("latin-1") for n, v in scope.get("headers", []) if n == b"x-forwarded-for"]
            host = client_from_forwarded(values, self.trusted_hops)
            if host is not None:
                scope = dict(scope, client=(host, 0))
        await self.app(scope, receive, send)
