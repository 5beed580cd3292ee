"""The engine's history of one submission, recorded from outside the kernel.

dockerd keeps only its last 256 events for ``/events?since=``; a notebook that builds a few
images makes more. While a submission is graded, a thread of the grader streams every event
of its engine (from just before the kernel starts) into ``history.jsonl`` in the grader's
scratch folder, which the kernel cannot reach; the checks of
:mod:`autograder.checks.history` read it when ``DOCKER_COURSE_HISTORY`` names it. A file that
grew past its cap ends with a ``{"truncated": true}`` line (the history is then incomplete).
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from pathlib import Path

import docker

CAP = 32 * 1024 * 1024  # bytes of events per submission


class Recorder:
    """``with Recorder(docker_host, path): …`` — every event until the block ends."""

    def __init__(self, docker_host: str, path: Path, *, cap: int = CAP) -> None:
        self.docker_host = docker_host
        self.path = path
        self.cap = cap
        self._client: docker.DockerClient | None = None
        self._stream = None
        self._thread: threading.Thread | None = None

    def __enter__(self) -> Recorder:
        self.path.write_bytes(b"")
        self._client = docker.DockerClient(base_url=self.docker_host, version="auto", timeout=None)
        self._stream = self._client.events(since=int(time.time()) - 1, decode=True)
        self._thread = threading.Thread(target=self._record, name="engine history", daemon=True)
        self._thread.start()
        return self

    def _record(self) -> None:
        written = 0
        with open(self.path, "a", encoding="utf-8") as out, contextlib.suppress(Exception):
            for event in self._stream:  # ends when __exit__ closes the stream
                line = json.dumps(event, ensure_ascii=False) + "\n"
                written += len(line)
                if written > self.cap:
                    out.write(json.dumps({"truncated": True}) + "\n")
                    return
                out.write(line)
                out.flush()

    def __exit__(self, *exc: object) -> None:
        with contextlib.suppress(Exception):
            self._stream.close()  # type: ignore[union-attr]
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self._client is not None:
            self._client.close()
