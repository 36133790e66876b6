"""A fault-injecting HTTP proxy on 127.0.0.1 in front of the test server (QUALITY.md N1-N10).

Faults are matched on "METHOD /path" (a substring) and used `times` times: `429` (with
Retry-After), `500`, `reset` (connection closed before the request reaches the server), `lost`
(forwarded, then the answer is dropped: the client cannot know it was applied), `badjson` (200 with
a truncated body), `401`. Every request line is logged in `requests`.
"""

from __future__ import annotations

import random
import socket
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import requests

_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "content-encoding", "host"}


@dataclass
class Fault:
    kind: str
    match: str = ""
    times: int | None = 1
    retry_after: float = 1.0

    def applies(self, line: str) -> bool:
        return self.match in line and (self.times is None or self.times > 0)


class FaultProxy:
    def __init__(self, target: str) -> None:
        self.target = target.rstrip("/")
        self.faults: list[Fault] = []
        self.requests: list[str] = []
        self.random_rate = 0.0
        self._rng = random.Random(7)
        self._lock = threading.Lock()
        self._session = requests.Session()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _handle(self) -> None:
                proxy.handle(self)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> FaultProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def inject(self, kind: str, match: str = "", times: int | None = 1, **kw: Any) -> Fault:
        f = Fault(kind, match, times, **kw)
        with self._lock:
            self.faults.append(f)
        return f

    def clear(self) -> None:
        with self._lock:
            self.faults.clear()
        self.random_rate = 0.0

    def count(self, fragment: str) -> int:
        return sum(1 for r in self.requests if fragment in r)

    def _pick(self, line: str) -> str | None:
        with self._lock:
            self.requests.append(line)
            for f in self.faults:
                if f.applies(line):
                    if f.times is not None:
                        f.times -= 1
                    return f.kind if f.kind != "429" else f"429:{f.retry_after}"
            if self.random_rate and self._rng.random() < self.random_rate:
                return self._rng.choice(["500", "reset", "lost"])
        return None

    def handle(self, h: BaseHTTPRequestHandler) -> None:
        length = int(h.headers.get("Content-Length") or 0)
        body = h.rfile.read(length) if length else b""
        path = h.path
        line = f"{h.command} {path.split('?')[0]}"
        fault = self._pick(line)
        if fault == "reset":
            self._reset(h)
            return
        if fault and fault.startswith("429"):
            self._reply(h, 429, b'{"detail":"slow down"}', {"Retry-After": fault.split(":")[1]})
            return
        if fault in ("500", "401"):
            self._reply(h, int(fault), b'{"detail":"injected"}', {})
            return
        headers = {k: v for k, v in h.headers.items() if k.lower() not in _HOP}
        try:
            r = self._session.request(h.command, self.target + path, data=body, headers=headers, timeout=30,
                                      allow_redirects=False)
        except requests.RequestException:
            self._reset(h)
            return
        if fault == "lost":
            self._reset(h)
            return
        content = r.content
        if fault == "badjson":
            content = content[: max(1, len(content) // 2)]
        self._reply(h, r.status_code, content,
                    {k: v for k, v in r.headers.items() if k.lower() not in _HOP})

    @staticmethod
    def _reply(h: BaseHTTPRequestHandler, status: int, body: bytes, headers: dict[str, str]) -> None:
        h.send_response(status)
        for k, v in headers.items():
            h.send_header(k, v)
        if "Content-Type" not in headers and "content-type" not in {k.lower() for k in headers}:
            h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    @staticmethod
    def _reset(h: BaseHTTPRequestHandler) -> None:
        try:
            h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        except OSError:
            pass
        h.close_connection = True
        try:
            h.connection.close()
        except OSError:
            pass
