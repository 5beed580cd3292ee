"""Where a submission's grading time goes: ``docker-course grade -j 1`` of the blank submissions
of both assignments (nothing else running in the bench), every phase timed.

No product code changes: the course's ``nbgrader_config.py`` (which the worker copies into each
scratch folder) sets nbgrader's log to DEBUG with epoch timestamps, so ``autograde.log`` dates
every step (kernel start, each cell, the audit after each grade cell, the write); the
child process wraps ``grade.grade_one`` and the backend's ``lease`` (best effort: if this
version of the product is shaped differently, those two columns are left empty).

Child mode: ``python bench/where.py --child COURSE OUT.json``.
"""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import common
import grading
from common import ROOT, say

LOG_CONFIG = """

# --- added by bench/where.py: timestamped DEBUG log, to date every step of autograde ---
c.Application.log_level = "DEBUG"
c.Application.log_format = "%(created).3f [%(name)s|%(levelname)s] %(message)s"
"""
LINE = re.compile(r"^(\d{9,}\.\d+) \[[^|\]]+\|(\w+)\] (.*)$")


def run(settings: common.Settings, shared: dict) -> dict:
    master = grading.the_class(settings, shared)
    blanks = [r for r in grading.roster() if r[1] == "blank"][: len(grading.ASSIGNMENTS)]
    course = settings.tmp / "profile"
    shutil.rmtree(course, ignore_errors=True)
    shutil.copytree(master, course, ignore=shutil.ignore_patterns("submitted"))
    for student, _, a in blanks:
        shutil.copytree(master / "submitted" / student / a, course / "submitted" / student / a)
    with open(course / "nbgrader_config.py", "a") as fh:
        fh.write(LOG_CONFIG)
    say(f"where the time goes: grading {len(blanks)} blank submissions one at a time, timed")
    out = settings.tmp / "profile.json"
    proc = subprocess.Popen(
        [common.PY, __file__, "--child", str(course), str(out)],
        cwd=ROOT,
        env=grading._env(settings.tmp / "profile-work"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    common.CHILD_PIDS.append(proc.pid)
    _, err = proc.communicate()
    if proc.returncode != 0 or not out.exists():
        raise common.BenchBroken(f"profiling run failed:\n{common.tail(err)}")
    got = json.loads(out.read_text())
    failed = [f"{o['key']}: {o['status']} {o['problems']}" for o in got["outcomes"]
              if o.get("status") != "graded"]  # fmt: skip
    if failed:  # its phases would time a failure, not grading
        raise common.BenchBroken("a profiled submission was not graded: " + "; ".join(failed))
    subs = []
    for o in got["outcomes"]:
        scratch = course / ".grading" / o["scratch"]
        subs.append({"key": o["key"], **phases(o, scratch)})
    return {"subs": subs, "post": got["post"]}


def phases(o: dict, scratch: Path) -> dict:
    """Seconds per phase of one submission, from the child's stamps and autograde.log."""
    events = []
    log = scratch / "autograde.log"
    for line in log.read_text(errors="replace").splitlines() if log.exists() else []:
        m = LINE.match(line)
        if m:
            events.append((float(m.group(1)), m.group(3)))
    if not events:
        return {"phases": [("whole submission (no timestamped log)", o["end"] - o["start"])]}
    first, last = events[0][0], events[-1][0]

    def at(text: str, after: float = 0.0) -> float | None:
        return next((t for t, msg in events if t >= after and msg.startswith(text)), None)

    execute = at("Applying preprocessor: AuditedExecute") or at("Applying preprocessor: Execute")
    cells = []  # (index, started, idle)
    index = 0
    for t, msg in events:
        if msg.startswith("Skipping non-executing cell"):
            index += 1
        elif msg.startswith("Executing cell"):
            cells.append([index, t, None])
            index += 1
        elif "'execution_state': 'idle'" in msg and cells and cells[-1][2] is None:
            cells[-1][2] = t
    after_exec = at("Applying preprocessor: IgnorePattern", execute or 0.0) or last
    names = _cell_names(scratch)
    cell_rows = []
    for n, (idx, started, idle) in enumerate(cells):
        last_cell = n + 1 == len(cells)
        following = after_exec if last_cell else cells[n + 1][1]
        idle = idle or following
        after = 0.0 if last_cell else following - idle  # after the last: kernel shut-down
        cell_rows.append((names.get(idx, f"cell {idx}"), idle - started, after))
    kernel_start = (cells[0][1] if cells else after_exec) - (execute or first)
    last_idle = cells[-1][2] or after_exec if cells else after_exec
    rows = []
    lease = o.get("lease") or {}
    if lease:
        rows += [
            ("scratch copy, checks before the lease", lease["enter"][0] - o["start"]),
            (
                "lease enter: private engine up with the course images",
                lease["enter"][1] - lease["enter"][0],
            ),
            (
                "nbgrader start (launch, imports, config) to its first log line",
                first - lease["enter"][1],
            ),
        ]
    else:
        rows.append(("scratch copy, lease enter, nbgrader start (not split)", first - o["start"]))
    rows += [
        ("nbgrader: gradebook, overwrite cells, sanitise (to Execute)", (execute or first) - first),
        ("kernel start (to the first cell)", kernel_start),
        ("cells executing (sum)", sum(r[1] for r in cell_rows)),
        (
            "after each cell: audit of grade cells, nbclient (sum)",
            sum(r[2] for r in cell_rows),
        ),
        ("kernel shut-down, audit report (last cell to next preprocessor)", after_exec - last_idle),
        ("after Execute: output limits, cell checks, write", last - after_exec),
    ]
    if lease:
        rows += [
            ("nbgrader exit, kill stragglers", lease["exit"][0] - last),
            (
                "lease exit (teardown, or handing it to the background)",
                lease["exit"][1] - lease["exit"][0],
            ),
            ("after the lease (audit report read)", o["end"] - lease["exit"][1]),
        ]
    else:
        rows.append(("nbgrader exit, lease exit (not split)", o["end"] - last))
    return {
        "phases": rows,
        "total": o["end"] - o["start"],
        "cells": sorted(cell_rows, key=lambda r: -(r[1] + r[2]))[:6],
    }


def _cell_names(scratch: Path) -> dict[int, str]:
    found = next(iter((scratch / "autograded").glob("*/*/*.ipynb")), None)
    if found is None:
        return {}
    nb = json.loads(found.read_text())
    return {
        i: c.get("metadata", {}).get("nbgrader", {}).get("grade_id") or f"cell {i}"
        for i, c in enumerate(nb["cells"])
    }


def markdown(res: dict) -> str:
    lines = []
    for sub in res["subs"]:
        lines += [
            f"`{sub['key']}` graded alone in {sub.get('total', 0):.1f} s:",
            "",
            common.table(
                ["phase", "seconds"],
                [(name, f"{sec:.2f}") for name, sec in sub["phases"]],
            ),
            "",
        ]
        if sub.get("cells"):
            lines += [
                "Slowest cells (executing / after: audit and nbclient): "
                + ", ".join(f"`{n}` {a:.2f} / {b:.2f} s" for n, a, b in sub["cells"]),
                "",
            ]
    post = res["post"]
    lines.append(
        "Per grading run, after the workers: "
        + ", ".join(f"{k} {v:.1f} s" for k, v in post.items())
        + "."
    )
    return "\n".join(lines)


# --- the child ----------------------------------------------------------------------------------
def _child(course: str, out: str) -> None:
    import autograder.grade as grade_mod

    leases: list[dict] = []
    spans: dict[str, dict] = {}
    original_one = grade_mod.grade_one

    def grade_one(course_dir, job, scratch, *args, **kwargs):
        started = time.time()
        outcome = None
        try:
            outcome = original_one(course_dir, job, scratch, *args, **kwargs)
            return outcome
        finally:
            spans[f"{job.student}/{job.assignment}"] = {
                "start": started,
                "end": time.time(),
                "scratch": Path(scratch).name,
                "lease": leases[-1] if leases else {},
                "status": outcome.status if outcome else "raised",
                "problems": list(outcome.problems) if outcome else [],
            }
            leases.clear()

    def wrap_lease(lease):
        @contextlib.contextmanager
        def timed(*args, **kwargs):  # (the section whose template the engine starts from)
            record: dict[str, tuple[float, float]] = {}
            t0 = time.time()
            left = t0
            try:
                with lease(*args, **kwargs) as got:
                    record["enter"] = (t0, time.time())
                    try:
                        yield got
                    finally:
                        left = time.time()
            finally:
                record["exit"] = (left, time.time())
                if "enter" in record:
                    leases.append(record)

        return timed

    original_backend = getattr(grade_mod, "_backend", None)

    def backend(*args, **kwargs):
        engines, jobs = original_backend(*args, **kwargs)
        with contextlib.suppress(Exception):  # best effort: another shape, no lease column
            if callable(getattr(engines, "lease", None)):
                engines.lease = wrap_lease(engines.lease)
        return engines, jobs

    grade_mod.grade_one = grade_one
    if original_backend is not None:
        grade_mod._backend = backend
    marks: list[tuple[float, str]] = []
    grade_mod.main(Path(course), jobs=1, echo=lambda text: marks.append((time.time(), text)))
    ended = time.time()
    table_at = next((t for t, text in marks if text.startswith("student")), ended)
    last_end = max((s["end"] for s in spans.values()), default=table_at)
    result = {
        "outcomes": [{"key": k, **v} for k, v in spans.items()],
        "post": {
            "gradebook merge, summary rows": table_at - last_end,
            "reports, export, feedback": ended - table_at,
        },
    }
    Path(out).write_text(json.dumps(result))


if __name__ == "__main__" and sys.argv[1:2] == ["--child"]:
    _child(sys.argv[2], sys.argv[3])
