"""``docker-course doctor``: is this machine ready for the course? One line per check.

The notebooks' first cell calls :func:`run` with ``quick=True`` and shows the report. The
terminal reads English; the notebook's table reads Korean (``label_ko``, ``detail_ko``,
``fix_ko``) and keeps each finding's English name beside its label, because the notebooks'
prose points at lines by it (the setup cell's `engine kind` line).
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
from collections.abc import Callable, Iterable
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
FIX_ENGINE_KO = (
    "터미널에서 `docker-course engine up`(또는 `make lab`)을 실행하세요. "
    "macOS/Windows에서는 Docker Desktop을 켜세요."
)
FIX_GUARDED_KO = "위 메시지를 읽으세요. 엔진 상태는 `docker-course engine status`가 보여 줍니다."
NOT_CHECKED_KO = "확인하지 못함: 엔진이 답하지 않음"

#: finding name (the CLI's, stable: notebooks and tests point at it) → the notebook's label
LABELS_KO = {
    "Python packages": "파이썬 패키지",
    "docker CLI": "docker 명령",
    "engine reachable": "엔진 연결",
    "engine kind": "엔진 종류",
    "can run a container": "컨테이너 실행",
    "port publishing": "포트 연결",
    "course images present": "과정 이미지",
    "free disk": "디스크 여유 공간",
}


@dataclass(frozen=True)
class Finding:
    name: str
    ok: bool
    detail: str
    fix: str = ""
    required: bool = True
    detail_ko: str = ""  # for the notebook; the English detail when empty
    fix_ko: str = ""  # for the notebook; the English fix when empty

    @property
    def label_ko(self) -> str:
        return LABELS_KO.get(self.name, self.name)

    @property
    def mark(self) -> str:
        return "✓" if self.ok else ("✗" if self.required else "!")

    def line(self, *, korean: bool = False) -> str:
        name, detail, fix = self.name, self.detail, self.fix
        if korean:
            name, detail, fix = self.label_ko, self.detail_ko or detail, self.fix_ko or fix
        text = f"{self.mark} {name}: {detail}"
        return text if self.ok or not fix else f"{text}\n    → {fix}"


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(f.ok or not f.required for f in self.findings)

    def text(self, *, korean: bool = False) -> str:
        return "\n".join(f.line(korean=korean) for f in self.findings)

    def _repr_html_(self) -> str:
        return self.html()

    def html(self, *, collapsed: bool = False) -> str:
        """The findings as a table; ``collapsed`` (a section's setup cell, once all pass): one
        line naming the engine, the table folded under it."""
        rows = []
        for f in self.findings:
            color = "#1a7f37" if f.ok else ("#cf222e" if f.required else "#9a6700")
            fix_text = f.fix_ko or f.fix
            fix = "" if f.ok or not fix_text else f"<br><small>→ {html.escape(fix_text)}</small>"
            rows.append(
                f"<tr><td style='color:{color};font-weight:bold'>{f.mark}</td>"
                f"<td>{html.escape(f.label_ko)} <code>{html.escape(f.name)}</code></td>"
                f"<td>{html.escape(f.detail_ko or f.detail)}{fix}</td></tr>"
            )
        title = "환경 점검 통과" if self.ok else "환경 점검 실패 — 아래 → 표시의 안내를 따르세요"
        table = f"<table>{''.join(rows)}</table>"
        if collapsed and self.ok:
            kind = next((f.detail for f in self.findings if f.name == "engine kind"), "")
            line = f" · {html.escape(kind)}" if kind else ""
            return (
                f"<div><details><summary><b>{title}</b>{line} (펼쳐서 자세히)</summary>"
                f"{table}</details></div>"
            )
        return f"<div><b>{title}</b>{table}</div>"


def run(
    *,
    quick: bool = False,
    spec: engine.EngineSpec | None = None,
    needed: Iterable[images.CourseImage] | None = None,
) -> Report:
    """Run every check (``quick``: skip those that start containers); ``needed``: the course
    images that must be present (a section's setup asks for those it starts from), else all."""
    report = Report()
    add = report.findings.append
    add(_python_deps(import_them=not quick))
    add(_docker_cli())
    info = engine.probe(spec)
    if info is None:
        spec = spec or engine.default_spec()
        where = spec.base_url()
        fix, fix_ko = FIX_ENGINE, FIX_ENGINE_KO
        if spec.explicit_host:
            where = f"DOCKER_HOST={where}"
            fix = "start the engine DOCKER_HOST points at, or `unset DOCKER_HOST`"
            fix_ko = "DOCKER_HOST가 가리키는 엔진을 켜거나 `unset DOCKER_HOST` 하세요."
        add(
            Finding(
                "engine reachable",
                False,
                f"no answer at {where}",
                fix,
                detail_ko=f"{where}에서 답이 없음",
                fix_ko=fix_ko,
            )
        )
        dependent = ["course images present"]
        if not quick:
            dependent = ["can run a container", "port publishing", *dependent]
        for name in dependent:
            add(
                Finding(
                    name,
                    False,
                    "not checked: the engine does not answer",
                    fix,
                    detail_ko=NOT_CHECKED_KO,
                    fix_ko=fix_ko,
                )
            )
        add(_free_disk(None))
        return report
    add(
        Finding(
            "engine reachable",
            True,
            f"Docker {info.version}, API {info.api_version}, "
            f"storage {info.storage_driver}, at {info.host}",
            detail_ko=f"Docker {info.version}, API {info.api_version}, "
            f"스토리지 드라이버 {info.storage_driver}, 주소 {info.host}",
        )
    )
    dc = engine.client(spec)
    try:
        add(_guarded("engine kind", lambda: _engine_kind(dc)))
        if not quick:
            add(_guarded("can run a container", lambda: _can_run(dc)))
            add(_guarded("port publishing", lambda: _port_publishing(dc)))
        add(_course_images(dc, needed))
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
            fix_ko=FIX_GUARDED_KO,
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
            detail_ko="불러올 수 없음: " + ", ".join(missing),
            fix_ko="`make lab`을 실행하세요(.venv에 설치합니다). 또는 `pip install -e .`",
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
            detail_ko="PATH에 `docker`가 없음",
            fix_ko="Docker CLI를 설치하세요 (Debian: `apt-get install docker.io`).",
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
        detail_ko="busybox가 ok라고 답함" if ok else f"종료 {status}, {logs}",
        fix_ko="`docker-course engine status`와 엔진 로그를 읽어 보세요.",
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
        detail_ko=f"127.0.0.1:{port} → 컨테이너 포트 8080",
        fix_ko="엔진이 포트를 연결하지 못합니다: iptables와 엔진 로그를 확인하세요.",
    )


def _course_images(
    dc: docker.DockerClient, needed: Iterable[images.CourseImage] | None = None
) -> Finding:
    states = images.list_states(dc, images.COURSE_IMAGES if needed is None else needed)
    missing = [s.image.ref for s in states if s.status == "missing"]
    if missing:
        return Finding(
            "course images present",
            False,
            "missing: " + ", ".join(missing),
            "run `docker-course images prepare` (or `images load BUNDLE.tar`)",
            detail_ko="없는 이미지: " + ", ".join(missing),
            fix_ko="`docker-course images prepare`(또는 `images load 번들.tar`)를 실행하세요.",
        )
    parts = [f"{s.image.ref} ({s.status})" for s in states]
    standins = [s for s in states if s.status == "stand-in"]
    detail = detail_ko = ", ".join(parts)
    if standins:
        detail += (
            " — stand-ins are offline look-alikes built from host files, not the official images"
        )
        detail_ko += (
            " — stand-in은 호스트의 파일로 오프라인에서 만든 비슷한 이미지로, "
            "공식 이미지가 아닙니다"
        )
    return Finding("course images present", True, detail, detail_ko=detail_ko)


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
        detail_ko=f"{where}에 {free / 1024**3:.1f} GiB 남음",
        fix_ko=f"{wanted / 1024**3:.1f} GiB 이상을 비우세요 "
        "(예: 직접 만든 것 중 남은 것을 `docker system prune`으로 지우기).",
    )
