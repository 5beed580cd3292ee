"""``exec_run`` on a kernel that reads the engine's answer late (a grading kernel throttled by
its CPU quota): the command's output has arrived together with the response's headers, and
docker-py alone returns ``b''`` (docker/docker-py#2042, #3332; an honest 05 answer scored 9 of
11 once). With the course's setup (:mod:`autograder.exec_output`) every byte comes back."""

from __future__ import annotations

import contextlib
import http.client
import socket
import subprocess
import sys
import textwrap
from collections.abc import Iterator

import docker
import pytest

from autograder import exec_output
from autograder.waiting import wait_until

pytestmark = pytest.mark.engine
BIG = 100_000  # bytes: several frames, more than the reader's 8 KiB buffer


@contextlib.contextmanager
def late_reader() -> Iterator[None]:
    """Every upgraded (101) response is read only once bytes past its headers have arrived."""
    begin = http.client.HTTPResponse.begin

    def late_begin(self) -> None:
        sock = self.fp.raw._sock

        def arrived() -> bool:
            try:
                seen = sock.recv(65536, socket.MSG_PEEK | socket.MSG_DONTWAIT)
            except BlockingIOError:
                return False  # not even the headers yet
            _, ended, rest = seen.partition(b"\r\n\r\n")
            return not seen.startswith(b"HTTP/1.1 101") or bool(ended and rest)

        wait_until(arrived, timeout=30, interval=0.001, what="the exec's output after the headers")
        begin(self)

    http.client.HTTPResponse.begin = late_begin
    try:
        yield
    finally:
        http.client.HTTPResponse.begin = begin


@pytest.fixture
def box(docker_client: docker.DockerClient, cleanup, test_labels):
    return docker_client.containers.run(
        "busybox:1.37", ["sleep", "600"], detach=True, labels=test_labels
    )


def test_docker_py_alone_loses_it(box) -> None:
    """Why the fix exists; when docker-py mends this, this test says the fix can go."""
    script = textwrap.dedent(f"""
        import docker, tests.test_exec_output_survives_a_slow_reader as t
        box = docker.from_env().containers.get({box.id!r})
        with t.late_reader():
            print(repr(box.exec_run(["echo", "draft"]).output))
    """)
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "b''", f"docker-py kept the output by itself: {done.stdout}"


def test_every_byte_comes_back(box) -> None:
    assert exec_output.install()
    with late_reader():
        plain = box.exec_run(["echo", "draft"]).output
        both = box.exec_run(["sh", "-c", "echo out; echo err >&2"], demux=True).output
        big = box.exec_run(["head", "-c", str(BIG), "/dev/zero"]).output
        tty = box.exec_run(["echo", "draft"], tty=True).output
        streamed = b"".join(box.exec_run(["sh", "-c", "echo a; echo b >&2"], stream=True).output)
    assert plain == b"draft\n", plain
    assert both == (b"out\n", b"err\n"), both
    assert big == bytes(BIG), f"{len(big)} of {BIG} bytes, {set(big)}"
    assert tty == b"draft\r\n", tty
    assert sorted(streamed.split()) == [b"a", b"b"], streamed


def test_installing_twice_wraps_once() -> None:
    from docker.utils import socket as dsocket

    assert exec_output.install()
    read = dsocket.read
    assert exec_output.install() and dsocket.read is read, "a second setup cell wrapped again"
