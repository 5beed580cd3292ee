"""``docker-course doctor``: is this machine ready for the course? One line per check.

The notebooks' first cell calls :func:`run` with ``quick=True`` and shows the report.
"""

from __future__ import annotations

import html
import importlib
import importlib.metadata
import importlib.util
import os
import secrets
import shutil
import subprocess
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import docker
import docker.errors

from . import engine, engine_kind, images, labels
from .errors import CourseError
from .waiting import wait_until

PYTHON_DEPS = ("docker", "nbgrader", "papermill", "ipywidgets", "jupyterlab")
MIN_FREE_BYTES = 2 * 1024**3
FIX_ENGINE = "run `docker-course engine up` (or `make lab`); on macOS/Windows start Docker Desktop"


@dataclass(frozen=True)
class Finding:
    name: str
    ok: bool
    detail: str
    fix: str = ""
    required: bool = True

    def line(self) -> str:
        mark = "✓" if self.ok else ("✗" if self.required else "!")
        text = f"{mark} {self.name}: {self.detail}"
        return text if self.ok or not self.fix else f"{text}\n    → {self.fix}"


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(f.ok or not f.required for f in self.findings)

    def text(self) -> str:
        return "\n".join(f.line() for f in self.findings)

    def _repr_html_(self) -> str:
        rows = []
        for f in self.findings:
            color = "#1a7f37" if f.ok else ("#cf222e" if f.required else "#9a6700")
            mark = "✓" if f.ok else ("✗" if f.required else "!")
            fix = "" if f.ok or not f.fix else f"<br><small>→ {html.escape(f.fix)}</small>"
            rows.append(
                f"<tr><td style='color:{color};font-weight:bold'>{mark}</td>"
                f"<td>{html.escape(f.name)}</td><td>{html.escape(f.detail)}{fix}</td></tr>"
            )
        title = "환경 점검 통과" if self.ok else "환경 점검 실패 — 아래 → 의 안내를 따르세요"
        return f"<div><b>{title}</b><table>{''.join(rows)}</table></div>"


def run(*, quick: bool = False, spec: engine.EngineSpec | None = None) -> Report:
    """Run every check (``quick``: skip those that start containers)."""
    report = Report()
    add = report.findings.append
    add(_python_deps(import_them=not quick))
    add(_docker_cli())
    info = engine.probe(spec)
    if info is None:
        spec = spec or engine.default_spec()
        where = spec.base_url()
        fix = FIX_ENGINE
        if spec.explicit_host:
            where = f"DOCKER_HOST={where}"
            fix = "start the engine DOCKER_HOST points at, or `unset DOCKER_HOST`"
        add(Finding("engine reachable", False, f"no answer at {where}", fix))
        dependent = ["course images present"]
        if not quick:
            dependent = ["can run a container", "port publishing", *dependent]
        for name in dependent:
            add(Finding(name, False, "not checked: the engine does not answer", fix))
        add(_free_disk(None))
        return report
    add(
        Finding(
            "engine reachable",
            True,
            f"Docker {info.version}, API {info.api_version}, "
            f"storage {info.storage_driver}, at {info.host}",
        )
    )
    dc = engine.client(spec)
    try:
        add(
            _guarded(
                "engine kind", lambda: Finding("engine kind", True, engine_kind.detect(dc).line())
            )
        )
        if not quick:
            add(_guarded("can run a container", lambda: _can_run(dc)))
            add(_guarded("port publishing", lambda: _port_publishing(dc)))
        add(_course_images(dc))
        add(_free_disk(info.root_dir))
    finally:
        dc.close()
    return report


def _engine_kind(dc: docker.DockerClient) -> Finding:
    """Version, image store, builder and CLI: what engine-dependent output depends on."""
    return Finding("engine kind", True, engine_kind.detect(dc).line())


def _guarded(name: str, check: Callable[[], Finding]) -> Finding:
    try:
        return check()
    except CourseError as exc:
        return Finding(name, False, exc.message, exc.fix or "")
    except (docker.errors.DockerException, OSError, TimeoutError) as exc:
        return Finding(
            name,
            False,
            f"{type(exc).__name__}: {exc}"[:300],
            "read the message above; `docker-course engine status` shows the engine",
        )


def _python_deps(*, import_them: bool = True) -> Finding:
    """Each dependency imports (or, quick, is at least installed: imports cost seconds)."""
    found, missing = [], []
    for name in PYTHON_DEPS:
        try:
            if import_them:
                importlib.import_module(name)
            elif importlib.util.find_spec(name) is None:
                raise ImportError(name)
            found.append(f"{name} {importlib.metadata.version(name)}")
        except Exception:  # any import failure is a missing dependency  # noqa: BLE001
            missing.append(name)
    if missing:
        return Finding(
            "Python packages",
            False,
            "cannot import " + ", ".join(missing),
            "run `make lab` (it installs them into .venv), or `pip install -e .`",
        )
    return Finding("Python packages", True, ", ".join(found))


def _docker_cli() -> Finding:
    path = shutil.which("docker")
    if path is None:
        return Finding(
            "docker CLI",
            False,
            "`docker` is not on PATH",
            "install the Docker CLI (Debian: `apt-get install docker.io`)",
        )
    done = subprocess.run([path, "--version"], capture_output=True, text=True, check=False)
    return Finding("docker CLI", done.returncode == 0, done.stdout.strip() or path)


def _can_run(dc: docker.DockerClient) -> Finding:
    images.require_present(dc)
    container = dc.containers.create(
        images.COURSE_IMAGES[1].ref, ["sh", "-c", "echo ok"], labels=labels.managed("doctor")
    )
    try:
        container.start()
        status = container.wait(timeout=30)
        logs = container.logs().decode().strip()
    finally:
        container.remove(force=True)
    ok = status.get("StatusCode") == 0 and logs == "ok"
    return Finding(
        "can run a container",
        ok,
        "busybox said ok" if ok else f"exit {status}, {logs}",
        "read `docker-course engine status` and the engine log",
    )


def _port_publishing(dc: docker.DockerClient) -> Finding:
    images.require_present(dc)
    token = secrets.token_hex(8)
    script = f"mkdir -p /www && echo {token} > /www/index.html && exec httpd -f -p 8080 -h /www"
    container = dc.containers.create(
        images.COURSE_IMAGES[1].ref,
        ["sh", "-c", script],
        labels=labels.managed("doctor"),
        ports={"8080/tcp": ("127.0.0.1", None)},
    )
    try:
        container.start()
        container.reload()
        port = int(container.ports["8080/tcp"][0]["HostPort"])
        url = f"http://127.0.0.1:{port}/"

        def answer() -> str | None:
            with urllib.request.urlopen(url, timeout=2) as reply:
                return reply.read().decode().strip()

        body = wait_until(answer, timeout=15, what=f"{url} to answer")
    finally:
        container.remove(force=True)
    return Finding(
        "port publishing",
        body == token,
        f"127.0.0.1:{port} → container port 8080",
        "the engine cannot publish ports: check iptables and the engine log",
    )


def _course_images(dc: docker.DockerClient) -> Finding:
    states = images.list_states(dc)
    missing = [s.image.ref for s in states if s.status == "missing"]
    if missing:
        return Finding(
            "course images present",
            False,
            "missing: " + ", ".join(missing),
            "run `docker-course images prepare` (or `images load BUNDLE.tar`)",
        )
    parts = [f"{s.image.ref} ({s.status})" for s in states]
    standins = [s for s in states if s.status == "stand-in"]
    detail = ", ".join(parts)
    if standins:
        detail += (
            " — stand-ins are offline look-alikes built from host files, not the official images"
        )
    return Finding("course images present", True, detail)


def _free_disk(root_dir: str | None) -> Finding:
    where = Path(root_dir) if root_dir and Path(root_dir).exists() else engine.project_root()
    free = shutil.disk_usage(where).free
    # grading sets a smaller bound: its engines have a disk of their own, sized by the teacher
    wanted = int(os.environ.get("DOCKER_COURSE_MIN_FREE_MB", MIN_FREE_BYTES // 1024**2)) * 1024**2
    return Finding(
        "free disk",
        free >= wanted,
        f"{free / 1024**3:.1f} GiB free at {where}",
        f"free at least {wanted / 1024**3:.1f} GiB (e.g. `docker system prune` of your own "
        "leftovers)",
    )
