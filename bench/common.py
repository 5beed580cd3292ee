"""Shared by every figure: settings, progress, statistics, the machine, markdown, engines.

Nothing here changes the product: private engines are the product's ``PrivateEngine`` (with
``--debug`` added to dockerd's arguments when we count API calls), and every object the bench
creates on an engine is removed in a ``finally``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
PY = sys.executable
BIN = Path(PY).parent
T0 = time.monotonic()
CHILD_PIDS: list[int] = []  # bench children that may own private engines (for the clean-up)


class BenchBroken(RuntimeError):
    """Something the bench measures is broken (wrong scores, a failing notebook …)."""


# --- settings --------------------------------------------------------------------------------
@dataclasses.dataclass
class Settings:
    quick: bool = False
    tmp: Path = Path(tempfile.gettempdir())
    floor_repeats: int = 2  # figure 1 (each repeat runs all 7 notebooks twice: ~2.5 min)
    lease_repeats: int = 5  # figure 3
    grading_repeats: int = 3  # figure 2: pairs of runs (ours, plain nbgrader), ~2 min a pair
    lab_repeats: int = 3  # figure 6


# --- progress --------------------------------------------------------------------------------
def say(text: str) -> None:
    """A progress line: minutes:seconds since the bench started, then the text."""
    elapsed = time.monotonic() - T0
    print(f"[{int(elapsed // 60):02d}:{elapsed % 60:04.1f}] {text}", flush=True)


# --- statistics ------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class Summary:
    values: tuple[float, ...]

    @property
    def n(self) -> int:
        return len(self.values)

    @property
    def median(self) -> float:
        return statistics.median(self.values) if self.values else float("nan")

    @property
    def lo(self) -> float:
        return min(self.values) if self.values else float("nan")

    @property
    def hi(self) -> float:
        return max(self.values) if self.values else float("nan")

    @property
    def iqr(self) -> tuple[float, float]:
        if len(self.values) < 4:
            return self.lo, self.hi
        q = statistics.quantiles(self.values, n=4, method="inclusive")
        return q[0], q[2]

    def fmt(self, unit: str = "s", digits: int = 2, scale: float = 1.0) -> str:
        """'12.3 s (min–max 11.9–13.0, n=3)'; IQR instead of min–max from 5 values on."""
        if not self.values:
            return "–"
        m = self.median * scale
        if self.n == 1:
            return f"{m:.{digits}f} {unit} (n=1)".replace(" ×", "×")
        if self.n >= 5:
            a, b = self.iqr
            spread = f"IQR {a * scale:.{digits}f}–{b * scale:.{digits}f}"
        else:
            spread = f"min–max {self.lo * scale:.{digits}f}–{self.hi * scale:.{digits}f}"
        return f"{m:.{digits}f} {unit} ({spread}, n={self.n})".replace(" ×", "×")


def summary(values: Iterable[float]) -> Summary:
    return Summary(tuple(float(v) for v in values))


def verdict(value: float, target: float, *, at_most: bool = True) -> str:
    good = value <= target if at_most else value >= target
    return "✓" if good else "✗"


def linear_fit(xs: list[float], ys: list[float]) -> tuple[float, float, float]:
    """Least squares y = a + b·x: (intercept a, slope b, R²)."""
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    b = sxy / sxx if sxx else float("nan")
    a = my - b * mx
    ss_tot = sum((y - my) ** 2 for y in ys)
    ss_res = sum((y - (a + b * x)) ** 2 for x, y in zip(xs, ys, strict=True))
    r2 = 1 - ss_res / ss_tot if ss_tot else float("nan")
    return a, b, r2


# --- markdown --------------------------------------------------------------------------------
def table(headers: list[str], rows: Iterable[Iterable[object]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    for row in rows:
        lines.append("| " + " | ".join(str(c).replace("|", "\\|") for c in row) + " |")
    return "\n".join(lines)


# --- the machine -----------------------------------------------------------------------------
def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def _git(*args: str) -> str:
    done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
    return done.stdout.strip()


def machine() -> dict[str, str]:
    from autograder import engine

    cpu = re.search(r"model name\s*:\s*(.+)", _read("/proc/cpuinfo"))
    mem = re.search(r"MemTotal:\s*(\d+)", _read("/proc/meminfo"))
    info = engine.probe()
    dirty = _git("status", "--porcelain", "--untracked-files=no")
    return {
        "CPU": cpu.group(1).strip() if cpu else platform.processor() or "?",
        "cores": str(os.cpu_count()),
        "RAM": f"{int(mem.group(1)) / 1024**2:.1f} GiB" if mem else "?",
        "kernel": f"{platform.system()} {platform.release()}",
        "OS": _os_name(),
        "Docker engine": f"{info.version} (API {info.api_version})" if info else "not answering",
        "storage driver": info.storage_driver if info else "?",
        "docker CLI": _cli_version(),
        "Python": platform.python_version(),
        "git commit": (_git("rev-parse", "--short=12", "HEAD") or "?")
        + (f" + uncommitted changes in {len(dirty.splitlines())} files" if dirty else ""),
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def _os_name() -> str:
    found = re.search(r'PRETTY_NAME="([^"]+)"', _read("/etc/os-release"))
    return found.group(1) if found else platform.platform()


def _cli_version() -> str:
    docker = shutil.which("docker")
    if not docker:
        return "missing"
    done = subprocess.run(
        [docker, "version", "--format", "{{.Client.Version}}"],
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.strip() or "?"


# --- other work on the machine ---------------------------------------------------------------
class CpuWatch:
    """Samples every process's CPU time every ``interval`` s and splits it into the bench's own
    (its process tree, its private engines and their containers) and everybody else's, so
    RESULTS.md can say how busy the machine was with other work."""

    def __init__(self, interval: float = 2.0) -> None:
        self.interval = interval
        self.mine_marks: set[str] = set()  # substrings of a command line that make it ours
        self.mine_uids: set[int] = set()  # users whose every process is ours (grading users)
        self.totals = Counter()  # "bench", "host engine", "other"
        self.busiest: Counter = Counter()  # other work by command name
        self._last: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="cpu watch", daemon=True)
        self.started = time.monotonic()

    def start(self) -> CpuWatch:
        self._sample()
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
        self._sample()

    def snapshot(self) -> dict[str, float]:
        return {**self.totals, "wall": time.monotonic() - self.started}

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            with contextlib.suppress(Exception):  # a sampler must never break the bench
                self._sample()

    def _sample(self) -> None:
        import psutil

        procs = {}
        for p in psutil.process_iter(["pid", "ppid", "name", "cmdline", "cpu_times", "uids"]):
            info = p.info
            if info["cpu_times"] is None:
                continue
            procs[info["pid"]] = info
        me = os.getpid()
        kinds: dict[int, str] = {}

        def kind(pid: int, depth: int = 0) -> str:
            if pid in kinds:
                return kinds[pid]
            info = procs.get(pid)
            if info is None or depth > 60:
                return "other"
            cmd = " ".join(info["cmdline"] or [])
            uid = info["uids"].real if info["uids"] else None
            if pid == me or uid in self.mine_uids or any(m in cmd for m in self.mine_marks):
                found = "bench"
            elif _host_engine(info["name"] or "", cmd):
                found = "host engine"
            elif info["ppid"] in (0, 1, pid):
                found = "other"
            else:
                found = kind(info["ppid"], depth + 1)
            kinds[pid] = found
            return found

        seen = {}
        for pid, info in procs.items():
            t = info["cpu_times"]
            used = t.user + t.system
            seen[pid] = used
            delta = used - self._last.get(pid, used if not self._last else 0.0)
            if delta <= 0:
                continue
            k = kind(pid)
            self.totals[k] += delta
            if k == "other":
                self.busiest[info["name"] or "?"] += delta
        self._last = seen


def _host_engine(name: str, cmd: str) -> bool:
    """dockerd, containerd or a shim of the host engine (not of a private ``dcourse-`` one)."""
    if name in {"dockerd", "containerd"}:
        return "dcourse-" not in cmd
    return name.startswith("containerd-shim") and "/run/dcourse/" not in cmd


# --- engines ---------------------------------------------------------------------------------
API_CALL = re.compile(r'msg="Calling (GET|POST|DELETE|HEAD|PUT) ([^"]+)"')
HEAVY = (
    "build",
    "container create",
    "container start",
    "exec create",
    "exec start",
    "commit",
    "image save (get)",
    "image load",
    "volume create",
    "archive get",
)


def endpoint_kind(method: str, url: str) -> str:
    """'POST /v1.41/containers/abc/start?x' → 'container start'; names and IDs dropped."""
    path = re.sub(r"^/v\d+\.\d+", "", url.split("?", 1)[0])
    simple = {
        ("POST", "/build"): "build",
        ("POST", "/containers/create"): "container create",
        ("POST", "/commit"): "commit",
        ("POST", "/images/load"): "image load",
        ("GET", "/images/get"): "image save (get)",
        ("POST", "/volumes/create"): "volume create",
        ("GET", "/_ping"): "ping",
        ("HEAD", "/_ping"): "ping",
        ("GET", "/version"): "version",
        ("GET", "/info"): "info",
        ("GET", "/containers/json"): "container list",
        ("GET", "/images/json"): "image list",
        ("GET", "/volumes"): "volume list",
        ("GET", "/system/df"): "system df",
    }
    if (method, path) in simple:
        return simple[(method, path)]
    parts = path.strip("/").split("/")
    if parts[0] == "containers" and len(parts) >= 2:
        action = parts[-1] if len(parts) > 2 else ""  # image refs have '/' in them
        names = {
            "": {"DELETE": "container remove"},
            "start": {"POST": "container start"},
            "exec": {"POST": "exec create"},
            "archive": {"GET": "archive get", "HEAD": "archive stat", "PUT": "archive put"},
            "json": {"GET": "container inspect"},
            "changes": {"GET": "container diff"},
            "wait": {"POST": "container wait"},
            "logs": {"GET": "container logs"},
            "attach": {"POST": "container attach"},
            "stop": {"POST": "container stop"},
            "kill": {"POST": "container kill"},
            "top": {"GET": "container top"},
            "resize": {"POST": "container resize"},
        }
        return names.get(action, {}).get(method, f"container {action} ({method})")
    if parts[0] == "exec":
        return {"start": "exec start", "json": "exec inspect", "resize": "exec resize"}.get(
            parts[-1], f"exec {parts[-1]}"
        )
    if parts[0] == "images":
        last = parts[-1]
        if method == "DELETE":
            return "image remove"
        if last in {"json", "history", "tag", "get", "push"}:
            return {"get": "image save (get)"}.get(last, f"image {last}")
        return f"image ({method})"
    if parts[0] == "volumes":
        return {"DELETE": "volume remove", "GET": "volume inspect"}.get(method, "volume ?")
    return f"{method} /{parts[0]}"


def count_calls(text: str) -> Counter:
    return Counter(endpoint_kind(m, u) for m, u in API_CALL.findall(text))


@contextlib.contextmanager
def private_engine(*, debug: bool = False, seed: bool = True) -> Iterator[object]:
    """A seeded private engine (the product's PrivateEngine), optionally with dockerd --debug;
    stopped and removed (namespace, data-root) on the way out."""
    from autograder import engine
    from autograder import seed as seeding
    from autograder.private_engine import PrivateEngine

    pe = PrivateEngine()
    if debug:
        pe.spec = dataclasses.replace(pe.spec, extra_args=(*pe.spec.extra_args, "--debug"))
    tar = seeding.cached_bundle(engine.client()) if seed else None
    with pe:
        if tar is not None:
            seeding.seed(pe.client(), tar)
        yield pe


def log_size(pe) -> int:
    try:
        return pe.spec.logfile.stat().st_size
    except OSError:
        return 0


def log_calls(pe, start: int, end: int | None = None) -> Counter:
    with open(pe.spec.logfile, "rb") as fh:
        fh.seek(start)
        data = fh.read(None if end is None else end - start)
    return count_calls(data.decode(errors="replace"))


def reset_to_seed(dc, keep_ids: set[str]) -> None:
    """Back to a freshly seeded engine: no containers, volumes, or images but the seeded ones."""
    import docker.errors

    for c in dc.containers.list(all=True):
        with contextlib.suppress(docker.errors.NotFound, docker.errors.APIError):
            c.remove(force=True)
    for v in dc.volumes.list():
        with contextlib.suppress(docker.errors.NotFound, docker.errors.APIError):
            v.remove(force=True)
    for _ in range(3):  # children before parents; a second pass catches what was still in use
        leftover = [i for i in dc.images.list(all=True) if i.id not in keep_ids]
        if not leftover:
            break
        for image in leftover:
            with contextlib.suppress(docker.errors.NotFound, docker.errors.APIError):
                dc.images.remove(image.id, force=True)
    with contextlib.suppress(docker.errors.APIError):
        dc.api.prune_builds()


def in_netns(pe, argv: list[str], *, timeout: float = 1800) -> dict:
    """Run a bench child (``argv`` after the interpreter) inside the engine's network namespace
    with DOCKER_HOST set; it prints one JSON object as its last line of output."""
    from autograder import nbgrader_cli

    env = nbgrader_cli.env({"DOCKER_HOST": pe.docker_host, "PYTHONUNBUFFERED": "1"})
    done = subprocess.run(
        pe.command([PY, *argv]),
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        raise BenchBroken(
            f"{' '.join(argv[:3])} failed (exit {done.returncode}):\n{done.stderr[-2000:]}"
        )
    return json.loads(lines[-1])


def tail(text: str, limit: int = 2500) -> str:
    """The end of a child's stderr without progress-bar redraws."""
    lines = [ln for ln in text.replace("\r", "\n").splitlines() if ln.strip() and "%|" not in ln]
    return "\n".join(lines)[-limit:]


def timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
