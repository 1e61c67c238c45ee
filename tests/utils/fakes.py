"""Fake Zoom, Gong and callback receivers: real HTTP servers on 127.0.0.1 that script their answers."""

import json
import threading
from collections import defaultdict, deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class FakeServer:
    """Answers each path from a queue of (status, body); the last answer repeats. Records every request."""

    url: str = ""
    answers: dict[str, deque[tuple[int, bytes]]] = field(default_factory=lambda: defaultdict(deque))
    seen: list[Seen] = field(default_factory=list)

    def answer(self, path: str, *replies: tuple[int, bytes | dict]) -> None:
        self.answers[path] = deque((s, json.dumps(b).encode() if isinstance(b, dict) else b) for s, b in replies)

    def hits(self, path: str) -> list[Seen]:
        return [s for s in self.seen if s.path.split("?")[0] == path]

    def _reply(self, path: str) -> tuple[int, bytes]:
        queue = self.answers.get(path.split("?")[0])
        if not queue:
            return 404, b"not found"
        return queue.popleft() if len(queue) > 1 else queue[0]


@contextmanager
def fake_server() -> Iterator[FakeServer]:
    fake = FakeServer()

    class Handler(BaseHTTPRequestHandler):
        def _handle(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
            fake.seen.append(Seen(self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body))
            status, reply = fake._reply(self.path)
            self.send_response(status)
            self.send_header("content-length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        do_GET = do_POST = _handle

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
