"""Figure 7, the class server: how many students doing section 02 at once this machine holds.

For classes of 5, 10 and 20 (``--quick``: 2) on one ``docker-course class`` hub on loopback:
every student's server is started at once through the hub's REST API (the clock runs from the
spawn request to the server answering: log-in to ready, the log-in itself being a page), each
student starts a kernel and runs section 02's ``docker run`` cell three times, all students
together; then the memory each student holds (every process of the student's Unix user and of
its sub-uids: JupyterLab, the kernel, the rootless engine and its containers) and of the hub
and its proxy. A class's servers are stopped before the next class starts; the first class's
starts are a student's first (the engine's disk is made and seeded with the course images),
later ones partly returning students.

``python bench/hub.py [N …]`` runs the given class sizes alone.
"""

from __future__ import annotations

import contextlib
import os
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import common
from common import ROOT, say

CELL = (
    "!docker rm -f hello1 > /dev/null 2>&1; "
    "docker run -d --name hello1 -p 3000:3000 node:24-alpine "
    "node -e \"require('http').createServer((q, r) => r.end('hi')).listen(3000)\" > /dev/null"
)
RUNS = 3


def _ids(n: int) -> list[str]:
    return [f"bench-{i:02d}" for i in range(1, n + 1)]


def _rss_mb(uids: set[int], ranges: list[tuple[int, int]]) -> dict[int, float]:
    """RSS (MB) per owner: a student's uid, or a uid inside the student's sub-uid range."""
    page = os.sysconf("SC_PAGE_SIZE")
    found: dict[int, float] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, ValueError, IndexError):
            status = Path(f"/proc/{entry.name}/status").read_text()
            uid = int(next(ln for ln in status.splitlines() if ln.startswith("Uid:")).split()[1])
            owner = (
                uid if uid in uids else next((u for u, s in ranges if s <= uid < s + 65536), None)
            )
            if owner is None:
                continue
            rss = int(Path(f"/proc/{entry.name}/statm").read_text().split()[1]) * page
            found[owner] = found.get(owner, 0.0) + rss / 2**20
    return found


def _hub_rss_mb(state: Path) -> float:
    from autograder import procs

    page = os.sysconf("SC_PAGE_SIZE")
    hub = procs.Process.from_record((state / "hub.process").read_text())
    if hub is None:
        return float("nan")
    pids = [hub.pid, *(pid for pid, _ in procs.descendants(hub.pid))]
    total = 0
    for pid in pids:  # root's only: the hub, the proxy, the culler (not the students' servers)
        with contextlib.suppress(OSError, ValueError, IndexError):
            if os.stat(f"/proc/{pid}").st_uid != 0:
                continue
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * page
    return total / 2**20


def one_class(n: int, state: Path, roster: Path) -> dict:
    from autograder.hub import client, server, students

    roster.write_text("id\n" + "\n".join(_ids(n)) + "\n")
    found = server.up(ROOT, roster, teacher="bench-teacher", port=common.free_port(), state=state,
                      echo=lambda _: None)  # fmt: skip
    hub = client.Hub(found.url, server.api_token(state))
    fresh = {i for i in _ids(n) if not (state / "students" / i / "disk.img").exists()}
    try:

        def start(student: str) -> tuple[str, float, client.Server, str]:
            t0 = time.perf_counter()
            s = hub.start(student, timeout=600)
            ready = time.perf_counter() - t0
            return student, ready, s, s.kernel()

        t0 = time.perf_counter()
        try:
            with ThreadPoolExecutor(max_workers=n) as pool:
                started = list(pool.map(start, _ids(n)))
        except (RuntimeError, TimeoutError) as exc:  # the hub's reason, not just "see the log"
            raise RuntimeError(f"{exc}\n{_hub_errors(state)}") from exc
        all_ready = time.perf_counter() - t0

        def cell(item) -> list[float]:
            _, _, s, kernel = item
            times = []
            for _ in range(RUNS):
                t = time.perf_counter()
                s.run(kernel, CELL, timeout=300)
                times.append(time.perf_counter() - t)
            return times

        with ThreadPoolExecutor(max_workers=n) as pool:
            cells = [t for times in pool.map(cell, started) for t in times]
        users = {students.user(i, create=False) for i in _ids(n)}
        rss = _rss_mb({u.uid for u in users}, [(u.uid, u.subid_start) for u in users])
        hub_mb = _hub_rss_mb(state)
    finally:
        with ThreadPoolExecutor(max_workers=n) as pool:
            list(pool.map(lambda i: _stop_quietly(hub, i), _ids(n)))
        server.down(state, echo=lambda _: None)
    return {
        "n": n,
        "ready_fresh": [r for i, r, _, _ in started if i in fresh],
        "ready_returning": [r for i, r, _, _ in started if i not in fresh],
        "all_ready": all_ready,
        "cells": cells,
        "student_mb": sorted(rss.values()),
        "hub_mb": hub_mb,
    }


def _hub_errors(state: Path, lines: int = 12) -> str:
    """The last warnings and errors of the hub's log (why a spawn failed)."""
    try:
        log = (state / "hub.log").read_text(errors="replace").splitlines()
    except OSError as exc:
        return f"(the hub's log is unreadable: {exc})"
    found = [ln for ln in log if ln.startswith(("[E", "[W")) or "Error" in ln or "Timeout" in ln]
    return "the hub's log said:\n" + "\n".join(found[-lines:] or log[-lines:])


def _stop_quietly(hub, student: str) -> None:
    with contextlib.suppress(Exception):  # `down` stops whatever is left
        hub.stop(student)


def run(settings: common.Settings, shared: dict) -> dict:
    from autograder.hub import students

    sizes = (2,) if settings.quick else (5, 10, 20)
    state = settings.tmp / "class" / "state"
    roster = settings.tmp / "class" / "roster.csv"
    roster.parent.mkdir(parents=True, exist_ok=True)
    classes = []
    try:
        for n in sizes:
            say(f"figure 7: a class of {n} on the hub: all start, each runs 02's cell × {RUNS}")
            classes.append(one_class(n, state, roster))
            c = classes[-1]
            median_mb = statistics.median(c["student_mb"])
            say(
                f"  all ready in {c['all_ready']:.0f} s; cell p50 {_p(c['cells'], 50):.1f} s, "
                f"p95 {_p(c['cells'], 95):.1f} s; per student {median_mb:.0f} MB"
            )
    finally:
        for i in _ids(max(sizes)):
            students.remove(i)
    return {"classes": classes}


def _p(values: list[float], q: int) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def markdown(res: dict) -> tuple[list[str], str]:
    classes = res["classes"]
    big = classes[-1]
    headline = [
        f"7. Class server: {big['n']} students at once (02's run cell p50 / p95; MB a student)",
        f"{_p(big['cells'], 50):.1f} s / {_p(big['cells'], 95):.1f} s; "
        f"{statistics.median(big['student_mb']):.0f} MB",
        "(report)",
        "",
    ]
    rows = []
    for c in classes:
        fresh, back = common.summary(c["ready_fresh"]), common.summary(c["ready_returning"])
        mb = common.summary(c["student_mb"])
        rows.append(
            (
                c["n"],
                fresh.fmt() if fresh.n else "–",
                back.fmt() if back.n else "–",
                f"{c['all_ready']:.0f} s",
                f"{_p(c['cells'], 50):.2f} s / {_p(c['cells'], 95):.2f} s (n={len(c['cells'])})",
                mb.fmt("MB", 0),
                f"{c['hub_mb']:.0f} MB",
            )
        )
    lines = [
        "## 7. Class server",
        "",
        common.table(
            [
                "students",
                "log-in → ready, first time",
                "log-in → ready, returning",
                "all ready",
                "`docker run -d -p` cell p50 / p95",
                "memory a student",
                "hub + proxy",
            ],
            rows,
        ),
        "",
        "One hub on loopback (`autograder.hub.server.up`), every server started at once through "
        "the REST API; a student's memory is the RSS of every process of the student's Unix user "
        "and sub-uids (JupyterLab, one kernel, the rootless engine and its containers, with "
        '`hello1` running) after the cells ran. "First time" makes and seeds the student\'s '
        "disk; a later class's first students are returning ones.",
    ]
    return headline, "\n".join(lines)


if __name__ == "__main__":
    import tempfile

    os.chdir(ROOT)
    sizes = [int(a) for a in sys.argv[1:]] or [5]
    tmp = Path(tempfile.mkdtemp(prefix="docker-course-hub-bench-", dir="/var/tmp"))
    found = []
    try:
        for size in sizes:
            found.append(one_class(size, tmp / "state", tmp / "roster.csv"))
    finally:
        from autograder.hub import students

        for i in _ids(max(sizes)):
            students.remove(i)
    print(markdown({"classes": found})[1])
