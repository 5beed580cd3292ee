"""Figure 5, peak memory of a grading worker: RSS of each submission's grader processes
(nbgrader autograde, its kernel, their ``docker`` CLI children) and, separately, of each private
engine (dockerd + containerd + its shims), sampled every 100 ms while ``docker-course grade``
grades figure 2's class once more (the timed runs of figures 2 and 4 are not sampled).

Found without touching the product, however it launches them (``nsenter`` + ``nbgrader`` or a
forkserver's forks): every descendant of the grade process that lives in the network namespace
of one of its private engines (``/proc/PID/ns/net`` = that of the engine's ``dockerd``) belongs
to the submission graded on that engine; its scratch folder (``/proc/PID/cwd``) names it. The
shims, which containerd daemonises, are found by their ``/run/dcourse/NAME/`` argument.
Container processes (the students' ``sleep`` and ``node``) are neither grader nor engine and are
left out.
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
import time
from pathlib import Path

import common

TARGET_MB = 400
PAGE = os.sysconf("SC_PAGE_SIZE")
ENGINE_COMMS = {"dockerd", "containerd", "docker-proxy"} | {
    "rootlesskit", "exe", "slirp4netns", "rootlesskit-doc"  # a rootless engine's helpers
}  # fmt: skip
# a root engine's state is under /run/dcourse/NAME/, a rootless one's under /var/tmp/dcourse/NAME/
NAME = re.compile(r"/dcourse/(dcourse-[0-9a-f]+)/")


def _children(pid: int) -> list[int]:
    found = []
    with contextlib.suppress(OSError):
        for task in os.listdir(f"/proc/{pid}/task"):
            with contextlib.suppress(OSError, ValueError):
                text = Path(f"/proc/{pid}/task/{task}/children").read_text()
                found += [int(x) for x in text.split()]
    return found


def _tree(pid: int, stop: set[str] = frozenset()) -> list[int]:
    """``pid`` and its descendants; processes named in ``stop`` are kept but not descended."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        if not stop or _comm(p) not in stop:
            todo += _children(p)
    return out


def _rss(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return 0


def _pss(pid: int) -> int:
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0
    found = re.search(r"^Pss:\s+(\d+) kB", text, re.M)
    return int(found.group(1)) * 1024 if found else 0


def _comm(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def _cmdline(pid: int) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return ""
    return raw.replace(b"\0", b" ").decode(errors="replace")


def _netns(pid: int) -> int | None:
    try:
        return os.stat(f"/proc/{pid}/ns/net").st_ino
    except OSError:
        return None


def _scratch(pid: int) -> str | None:
    with contextlib.suppress(OSError):
        found = re.search(r"/\.grading/([^/]+)", os.readlink(f"/proc/{pid}/cwd"))
        if found:
            return found.group(1)
    return None


class Sampler:
    """Samples the processes below ``pid`` every ``interval`` seconds, in a thread."""

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        self.pid = pid
        self.interval = interval
        self.graders: dict[int, dict] = {}  # netns inode → {"label", "peak", "pss", …}
        self.engines: dict[str, dict] = {}  # engine name → peaks
        self.together = {"peak": 0, "engines": 0}  # every engine up at one moment, summed
        self.samples = 0
        self.busy = 0.0  # seconds spent sampling
        self._shims: dict[str, list[int]] = {}
        self._below: dict[int, tuple[float, list[int]]] = {}  # dockerd → (when, containerd…)
        self._last_shim_scan = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="memory sampler", daemon=True)

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _loop(self) -> None:
        while not self._stop.is_set():
            started = time.perf_counter()
            with contextlib.suppress(Exception):  # a sampler must never break the bench
                self._sample()
            self.busy += time.perf_counter() - started
            self._stop.wait(self.interval)

    def _scan_shims(self) -> None:
        shims: dict[str, list[int]] = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit() and _comm(int(entry)).startswith("containerd-shim"):
                found = NAME.search(_cmdline(int(entry)))
                if found:
                    shims.setdefault(found.group(1), []).append(int(entry))
        self._shims = shims
        self._last_shim_scan = time.monotonic()

    def _sample(self) -> None:
        if time.monotonic() - self._last_shim_scan > 2.0:  # shims live as long as containers
            self._scan_shims()
        self.samples += 1
        with_pss = self.samples % 5 == 0  # PSS walks page tables: every 0.5 s is enough
        tree = _tree(self.pid, stop={"dockerd"})  # an engine's own tree: every second, below
        comms = {p: _comm(p) for p in tree}
        engines: dict[int, tuple[str, int]] = {}  # netns inode → (engine name, dockerd pid)
        rootless: dict[int, str] = {}  # netns inode of a rootlesskit → its engine's name
        for p, comm in comms.items():
            if comm in ("dockerd", "rootlesskit"):
                found = NAME.search(_cmdline(p))
                ns = _netns(p)
                if found and ns is not None and comm == "dockerd":
                    engines[ns] = (found.group(1), p)
                elif found and ns is not None:
                    rootless[ns] = found.group(1)
        # a rootless engine's dockerd lives in rootlesskit's own network namespace; the grader
        # and its kernel live in the one rootlesskit was started in
        for ns, name in rootless.items():
            dockerd = next((p for n, p in engines.values() if n == name), None)
            if dockerd is not None:
                engines[ns] = (name, dockerd)
        graders: dict[int, list[int]] = {}
        for p, comm in comms.items():
            ns = _netns(p) if comm not in ENGINE_COMMS else None
            if ns in engines:
                graders.setdefault(ns, []).append(p)
        now_total, seen = 0, set()
        for name, dockerd in engines.values():
            when, below = self._below.get(dockerd, (0.0, []))
            if time.monotonic() - when > 1.0:
                below = [p for p in _tree(dockerd) if p != dockerd]
                self._below[dockerd] = (time.monotonic(), below)
            part = {
                "dockerd": _rss(dockerd),
                "containerd": sum(_rss(p) for p in below),
                "shims": sum(_rss(p) for p in self._shims.get(name, [])),
            }
            total = sum(part.values())
            now_total += total if dockerd not in seen else 0
            seen.add(dockerd)
            rec = self.engines.setdefault(name, {"peak": 0, **dict.fromkeys(part, 0)})
            if total > rec["peak"]:
                rec.update(peak=total, **part)
        if now_total > self.together["peak"]:
            self.together = {"peak": now_total, "engines": len(seen)}
        for ns, pids in graders.items():
            self.engines.get(engines[ns][0], {})["hosted"] = True
            rec = self.graders.setdefault(ns, {"label": None, "peak": 0, "pss": 0, "processes": 0})
            if rec["label"] is None:
                rec["label"] = next((s for s in map(_scratch, pids) if s), None)
            sizes = {p: _rss(p) for p in pids}
            rss = sum(sizes.values())
            if rss > rec["peak"]:
                parts: dict[str, int] = {}
                for p, size in sizes.items():
                    parts[comms.get(p) or "?"] = parts.get(comms.get(p) or "?", 0) + size
                rec.update(peak=rss, processes=len(pids), parts=parts)
            if with_pss:
                rec["pss"] = max(rec["pss"], sum(_pss(p) for p in pids))


def run(settings: common.Settings, shared: dict) -> dict:
    import grading

    return analyse(grading.sampled_run(settings, shared, grading.class_size(settings)))


def analyse(samplers: list[Sampler]) -> dict:
    graders = [g for s in samplers for g in s.graders.values() if g["peak"] > 0]
    engines = [e for s in samplers for e in s.engines.values() if e.get("hosted")]
    mb = 1024**2
    return {
        "grader": common.summary(g["peak"] / mb for g in graders),
        "grader_pss": common.summary(g["pss"] / mb for g in graders),
        "grader_processes": max((g["processes"] for g in graders), default=0),
        "grader_max_label": (max(graders, key=lambda g: g["peak"])["label"] or "?")
        if graders
        else "-",
        "grader_max_parts": max(graders, key=lambda g: g["peak"]).get("parts", {})
        if graders
        else {},
        "engine": common.summary(e["peak"] / mb for e in engines),
        "dockerd": common.summary(e["dockerd"] / mb for e in engines),
        "containerd": common.summary(e["containerd"] / mb for e in engines),
        "shims": common.summary(e["shims"] / mb for e in engines),
        "together": max((s.together for s in samplers), key=lambda t: t["peak"], default={}),
        "samples": sum(s.samples for s in samplers),
        "busy": sum(s.busy for s in samplers),
        "runs": len(samplers),
    }


def _together(t: dict) -> str:
    """The engines up at one moment: the graded ones and the warm ones starting for the next
    submissions (``PrivateBackend.expect``)."""
    if not t.get("engines"):
        return ""
    return (
        f"Warm engines for the next submissions start while these grade: at most {t['engines']} "
        f"engines were up at one moment, {t['peak'] / 1024**2:.0f} MB together. "
    )


def markdown(res: dict) -> tuple[list[str], str]:
    g = res["grader"]
    mark = common.verdict(g.hi, TARGET_MB)
    headline = [
        "5. Peak memory of a grading worker (nbgrader + kernel, RSS)",
        f"median {g.median:.0f} MB, max {g.hi:.0f} MB (n={g.n})",
        f"≤ {TARGET_MB} MB",
        mark,
    ]
    lines = [
        "## 5. Peak memory of a grading worker",
        "",
        f"**max {g.hi:.0f} MB** {mark} (target ≤ {TARGET_MB} MB; median {g.median:.0f} MB over "
        f"{g.n} submissions, largest: {res['grader_max_label']}): the peak, per submission, of the "
        "summed RSS of its grader processes (nbgrader autograde, its kernel and their children, "
        f"up to {res['grader_processes']} at once), sampled every 100 ms during a "
        "`docker-course grade -j 2` run of figure 2's class of its own (the timed runs are not "
        "sampled) "
        f"({res['samples']} samples, {res['busy']:.1f} s spent sampling). "
        "RSS counts pages shared between processes (libraries, a forkserver's copy-on-write "
        "pages) once per process, so it is an upper bound; the proportional share (PSS) of the "
        f"same processes peaked at median {res['grader_pss'].median:.0f} MB, max "
        f"{res['grader_pss'].hi:.0f} MB.",
        "",
        "Private engine per submission, reported separately (peak of the sum, and each part at "
        "that moment; per engine):",
        "",
        common.table(
            ["", "median", "min–max"],
            [
                (name, f"{s.median:.0f} MB", f"{s.lo:.0f}–{s.hi:.0f} MB")
                for name, s in (
                    ("engine total", res["engine"]),
                    ("dockerd", res["dockerd"]),
                    ("containerd", res["containerd"]),
                    ("shims", res["shims"]),
                )
            ],
        ),
        "",
        "With `-j 2`, a grading run holds two workers and two engines at once: about "
        f"{2 * (g.median + res['engine'].median):.0f} MB at the medians. "
        + _together(res.get("together") or {})
        + "At the largest peak: "
        + ", ".join(
            f"{comm} {size / 1024**2:.0f} MB"
            for comm, size in sorted(res["grader_max_parts"].items(), key=lambda kv: -kv[1])
        )
        + ".",
    ]
    return headline, "\n".join(lines)
