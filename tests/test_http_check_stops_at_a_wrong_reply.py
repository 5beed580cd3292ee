"""HttpReply waits only for silence (a server still starting): a server that answered with the
wrong text is reported at once, with what it said — one request, not ten seconds of retries.
A loopback server of the test's own; a stand-in for the engine that says the port is published."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator

import pytest

from autograder.checks import HttpReply


class _Engine:
    class containers:
        @staticmethod
        def list(filters: dict) -> list[str]:
            return ["hello1"]


@pytest.fixture
def server() -> Iterator[tuple[int, list[str]]]:
    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            body = b"Hello from container\\n"  # the classic mistake: a backslash and an n
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:  # quiet
            pass

    httpd = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield httpd.server_address[1], requests
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_a_wrong_reply_is_reported_after_one_request(server) -> None:
    port, requests = server
    result = HttpReply(port, "Hello from container\n").run(_Engine())
    assert not result.passed and "\\\\n" in result.seen, result.message
    assert "내용이 다릅니다" in result.hint, result.hint
    assert requests == ["/"], f"asked {len(requests)} times: {requests}"


def test_the_right_reply_passes(server) -> None:
    port, _ = server
    assert HttpReply(port, "Hello from container\\n").run(_Engine()).passed
