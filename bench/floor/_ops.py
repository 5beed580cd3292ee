"""The engine operations of a section notebook, without the course around them.

Each floor script (``bench/floor/NN-*.py``) replays, in the notebook's order, the Docker
operations its cells cause: the setup cell's engine probe and reset, the solution and "show"
cells (``!docker …`` as shell commands, SDK calls as SDK calls), the engine reads and throw-away
containers of the check cells (hidden tests included: papermill runs the source notebook), the
layer diagram, the engine panel and the cleanup. No kernel, no papermill, no check library, no
course module: only the docker SDK, the ``docker`` CLI and urllib. Python-side work that is not
engine work (parsing a saved tar, rendering HTML) is left out on purpose: it is overhead.

Run one: ``DOCKER_HOST=… python bench/floor/01-concepts.py WORK_DIR``; it prints one JSON line
{"seconds": total, "steps": {cell id: seconds}}. Step names are the notebook cells' grade ids.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import docker
import docker.errors

HELLO_FILES = Path(__file__).resolve().parents[2] / "autograder" / "course_files" / "hello"
CHECKS_LABEL = {"docker-course.managed": "true", "docker-course.owner": "checks"}


class Floor:
    def __init__(self, section: str) -> None:
        self.started = time.perf_counter()
        self.section = section
        self.work = Path(sys.argv[1]).resolve() / section
        self.work.mkdir(parents=True, exist_ok=True)
        self.steps: dict[str, float] = {}
        self.dc = docker.DockerClient(
            base_url=os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock"), version="auto"
        )

    # bookkeeping --------------------------------------------------------------------------
    @contextlib.contextmanager
    def step(self, name: str):
        started = time.perf_counter()
        try:
            yield
        finally:
            self.steps[name] = self.steps.get(name, 0.0) + time.perf_counter() - started

    def done(self) -> None:
        print(json.dumps({"seconds": time.perf_counter() - self.started, "steps": self.steps}))

    # plain operations -----------------------------------------------------------------------
    def sh(self, command: str) -> str:
        """A shell command, as a notebook's ``!command`` runs it (stdout, stderr merged)."""
        done = subprocess.run(
            command, shell=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False
        )
        return done.stdout.decode(errors="replace")

    def image(self, ref: str):
        try:
            return self.dc.images.get(ref)
        except docker.errors.ImageNotFound:
            return None

    def container(self, name: str):
        try:
            return self.dc.containers.get(name)
        except docker.errors.NotFound:
            return None

    def volume(self, name: str):
        try:
            return self.dc.volumes.get(name)
        except docker.errors.NotFound:
            return None

    def archive(self, container, path: str) -> bytes | None:
        try:
            stream, _ = container.get_archive(path)
        except docker.errors.NotFound:
            return None
        return b"".join(stream)

    def file_in_image(self, ref: str, path: str) -> bytes | None:
        """A throw-away container of the image, the file read through the archive API."""
        self.image(ref)
        c = self.dc.containers.create(ref, ["true"], labels=CHECKS_LABEL)
        try:
            return self.archive(c, path)
        finally:
            c.remove(force=True)

    def run_once(self, ref: str, command: list[str], **kwargs) -> bytes:
        """create, start, wait, logs, remove: a throw-away container's output."""
        c = self.dc.containers.create(
            ref, command, labels=CHECKS_LABEL, network_disabled=True, **kwargs
        )
        try:
            c.start()
            c.wait(timeout=30)
            return c.logs(stdout=True, stderr=False)
        finally:
            c.remove(force=True)

    def save(self, ref: str) -> int:
        """``docker save`` of one image through the API (the layer checks read it)."""
        image = self.dc.images.get(ref)
        with tempfile.TemporaryFile() as tmp:
            for chunk in image.save(named=False):
                tmp.write(chunk)
            return tmp.tell()

    def http(self, port: int, timeout: float = 10.0, *, listed: bool = True) -> str:
        """GET http://127.0.0.1:port/ until it answers (first the check's container list)."""
        if listed:
            self.dc.containers.list(filters={"publish": str(port)})
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as reply:
                    return reply.read().decode()
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def events(self) -> list:
        """The engine's event history up to its own clock now (the history checks' query)."""
        self.dc.info()
        return list(self.dc.events(since=1, until=f"{time.time():.6f}", decode=True))

    def history(self, ref: str) -> list:
        return self.dc.images.get(ref).history()

    def diagram(self, *names: str) -> None:
        """Layer diagram: each name as a container (its image, history, diff) or an image."""
        for name in names:
            c = self.container(name)
            if c is not None:
                image = self.dc.images.get(c.attrs["Image"])
                image.history()
                c.diff()
            else:
                image = self.image(name)
                if image is not None:
                    image.history()

    def engine_panel(self) -> None:
        self.dc.images.list()
        for c in self.dc.containers.list(all=True):
            c.image  # noqa: B018 - one image inspect per container, as the panel does
        self.dc.volumes.list()

    # the setup and cleanup cells --------------------------------------------------------------
    def setup(
        self,
        containers: tuple[str, ...] = (),
        images: tuple[str, ...] = (),
        volumes: tuple[str, ...] = (),
        *,
        build_hello: bool = False,
    ) -> None:
        self.dc.version()
        self.dc.info()
        for ref in ("node:24-alpine", "busybox:1.37"):
            self.image(ref)
        self.reset(containers, images, volumes)
        if build_hello:
            self.dc.images.build(
                path=str(HELLO_FILES),
                tag="study/hello:1.0",
                rm=True,
                labels={"docker-course.managed": "true", "docker-course.owner": "course"},
            )

    def reset(self, containers=(), images=(), volumes=()) -> None:
        for name in containers:
            c = self.container(name)
            if c is not None:
                c.remove(force=True)
        for ref in images:
            with contextlib.suppress(docker.errors.ImageNotFound):
                self.dc.images.remove(ref, force=True)
        for name in volumes:
            v = self.volume(name)
            if v is not None:
                v.remove(force=True)

    def write(self, path: Path, text: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)

    def copy_hello(self, folder: Path) -> None:
        for name in ("app.js", "Dockerfile"):
            shutil.copy(HELLO_FILES / name, folder / name)


def tar_member(tar_path: Path, name: str) -> bytes:
    import tarfile

    with tarfile.open(tar_path) as tar:
        handle = tar.extractfile(name)
        return handle.read() if handle else b""


def drain(stream) -> bytes:
    buf = io.BytesIO()
    for chunk in stream:
        buf.write(chunk)
    return buf.getvalue()
