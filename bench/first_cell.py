"""Lease → first cell, per submission: ``docker-course grade -j 1`` of a few demo submissions.

Not a test and not part of ``bench/run.py``: a measurement for issue 17 (the kernel of a
submission starts before nbgrader asks for it). The demo class's ``perfect`` and ``blank``
students of two sections are graded one at a time, in this process, on the default backend;
the backend's ``lease`` is wrapped to date the moment each lease is handed out, and the
course's ``nbgrader_config.py`` sets nbgrader's log to DEBUG with epoch timestamps (as
``bench/where.py`` does), which dates nbgrader's first line, ``AuditedExecute`` and the first
executed cell.

    sudo .venv/bin/python bench/first_cell.py [--rounds 2] [--cold]

``--cold`` grades with the kernel started the ordinary way (nbgrader starts it), by handing
out no warm kernel (``autograder.grading.warm_kernel.start`` replaced), for a before/after on
the same code and the same machine; on a version without warm kernels it changes nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from autograder import demo  # noqa: E402

SECTIONS = ["01-concepts", "07-review"]
STUDENTS = ["perfect", "blank"]
LOG_CONFIG = """

# --- added by bench/first_cell.py: timestamped DEBUG log ---
c.Application.log_level = "DEBUG"
c.Application.log_format = "%(created).3f [%(name)s|%(levelname)s] %(message)s"
"""
LINE = re.compile(r"^(\d{9,}\.\d+) \[[^|\]]+\|(\w+)\] (.*)$")


def build(where: Path) -> Path:
    course = demo.build(where / "course", ROOT, only=SECTIONS)
    for folder in (course / "submitted").iterdir():
        if folder.name not in STUDENTS:
            shutil.rmtree(folder)
    with open(course / "nbgrader_config.py", "a") as fh:
        fh.write(LOG_CONFIG)
    return course


def grade(course: Path, *, cold: bool) -> list[dict]:
    import autograder.grade as grade_mod

    leased: list[float] = []

    def wrap(lease):
        @contextlib.contextmanager
        def timed():
            with lease() as got:
                leased.append(time.time())
                yield got

        return timed

    original = grade_mod._backend

    def backend(*args, **kwargs):
        engines, jobs = original(*args, **kwargs)
        engines.lease = wrap(engines.lease)
        return engines, jobs

    patches = [(grade_mod, "_backend", backend)]
    if cold:
        with contextlib.suppress(ImportError):
            from autograder.grading import warm_kernel

            patches.append((warm_kernel, "start", lambda *a, **k: None))
    saved = [(mod, name, getattr(mod, name)) for mod, name, _ in patches]
    for mod, name, value in patches:
        setattr(mod, name, value)
    try:
        shutil.rmtree(course / ".grading", ignore_errors=True)
        outcomes = grade_mod.main(course, jobs=1, feedback=False, force=True, echo=lambda _t: None)
    finally:
        for mod, name, value in saved:
            setattr(mod, name, value)
    rows = []
    for o in outcomes:
        events = _events(o.scratch / "autograde.log")
        first_line = events[0][0] if events else None
        # -j 1: the lease of a submission is the last one handed out before nbgrader started
        lease = max((t for t in leased if first_line and t <= first_line), default=None)
        execute = next((t for t, m in events if m.startswith("Applying preprocessor: Aud")), None)
        cell = next((t for t, m in events if m.startswith("Executing cell")), None)
        rows.append(
            {
                "submission": f"{o.job.student}/{o.job.assignment}",
                "status": o.status,
                "adopted": any(m.startswith("Adopted the kernel started ahead") for _, m in events),
                "lease → first cell": _span(lease, cell),
                "lease → nbgrader's first line": _span(lease, first_line),
                "Execute → first cell": _span(execute, cell),
            }
        )
    return rows


def _span(start: float | None, end: float | None) -> float | None:
    return end - start if start is not None and end is not None else None


def _events(log: Path) -> list[tuple[float, str]]:
    found = []
    for line in log.read_text(errors="replace").splitlines() if log.exists() else []:
        m = LINE.match(line)
        if m:
            found.append((float(m.group(1)), m.group(3)))
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--cold", action="store_true", help="no warm kernel (ordinary start)")
    parser.add_argument("--both", action="store_true", help="cold and warm rounds, alternating")
    parser.add_argument("--keep", action="store_true", help="keep the course folder (logs)")
    args = parser.parse_args()
    modes = [True, False] if args.both else [args.cold]
    tmp = Path(tempfile.mkdtemp(prefix="dcourse-first-cell-"))
    try:
        course = build(tmp)
        results: dict[bool, list[dict]] = {m: [] for m in modes}
        for _ in range(args.rounds):
            for cold in modes:
                results[cold] += grade(course, cold=cold)
    finally:
        if args.keep:
            print(f"course kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    for cold, rows in results.items():
        print(f"\n== {'cold (ordinary kernel start)' if cold else 'as built'} ==")
        for r in rows:
            cells = "  ".join(
                f"{k} {v:.2f} s" if isinstance(v, float) else f"{k} ?"
                for k, v in r.items()
                if k not in ("submission", "status", "adopted")
            )
            kernel = "adopted " if r["adopted"] else "started "
            print(f"{r['submission']:<24} {r['status']:<7} {kernel} {cells}")
        for key in ("lease → first cell", "lease → nbgrader's first line", "Execute → first cell"):
            values = [r[key] for r in rows if isinstance(r[key], float)]
            if values:
                print(f"median {key}: {statistics.median(values):.2f} s (n={len(values)})")


if __name__ == "__main__":
    main()
