"""`kill -9` of the grader at 12 points (mid-write of results included), each killed run
resuming what the one before it left, then a clean rerun: every submission is in the
gradebook once with its right score, journaled submissions are not graded again, and no
engine, namespace, cgroup or process of the killed runs is left."""

import os
import re
import shutil
import signal
import subprocess
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from autograder import demo, jail
from autograder.grading import journal, limits
from autograder.grading.crash import CRASH_ENV
from tests import nbgrader_course as ng

pytestmark = pytest.mark.sid_tree  # grades on the default engine (Docker 28, sid tree)

A = "07-review"
EXPECTED = {"perfect": 6.0, "blank": 0.0, "partial": 4.0}
# (point, --force): grading points regrade so that there is work to be killed in; the last
# points run without --force and find the earlier runs' work journaled
CHAIN = [
    ("start", True),  # before any engine
    ("engine-up", True),  # a worker holds an engine, nbgrader not started
    ("autograde-running", True),  # nbgrader and its kernel running
    ("autograde-done", True),  # a result is back, not merged
    ("merge-begin", True),  # gradebook open, nothing written
    ("merge-mid", True),  # autograded files copied, grades not written
    ("merge-committed", True),  # grades written, journal not
    ("journal-mid", True),  # half a journal line written
    ("after-first-outcome", False),  # one journaled, others in flight
    ("report", False),  # the rest graded, no report
    ("export", False),  # nothing left to grade; nbgrader export
    ("generate_feedback", False),  # nbgrader feedback
]


@pytest.fixture(scope="module")
def base_course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    course = demo.build(tmp_path_factory.mktemp("crash") / "course", ng.ROOT, only=[A])
    for folder in (course / "submitted").iterdir():
        if folder.name not in EXPECTED:
            shutil.rmtree(folder)
    return course


def _grade(course: Path, crash_at: str | None, *, force: bool) -> subprocess.CompletedProcess[str]:
    env = {**ng.env(), **({CRASH_ENV: crash_at} if crash_at else {})}
    return subprocess.run(
        [str(ng.BIN / "docker-course"), "grade", str(course), "-j", "2"]
        + (["--force"] if force else []),
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def _dead_owner_engines() -> list[str]:
    done = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True, check=True)
    names = [line.split()[0] for line in done.stdout.splitlines() if line.startswith("dcourse-")]
    dead = []
    for name in names:
        try:
            owner = int(Path(f"/run/dcourse/{name}/owner.pid").read_text())
            os.kill(owner, 0)
        except (OSError, ValueError):
            dead.append(name)
    return dead


def _processes_under(folder: Path) -> list[int]:
    found = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            if Path(os.readlink(proc / "cwd")).is_relative_to(folder):
                found.append(int(proc.name))
        except OSError:
            continue
    return found


@pytest.mark.slow
def test_killed_runs_resume(base_course: Path) -> None:
    course = base_course
    for point, force in CHAIN:
        killed = _grade(course, point, force=force)
        assert killed.returncode == -signal.SIGKILL, (
            f"the grader did not die at {point}: {killed.returncode}\n{killed.stdout[-1500:]}"
        )
    rerun = _grade(course, None, force=False)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr[-2000:]
    assert f"{len(EXPECTED)} submissions were graded already" in rerun.stdout, rerun.stdout

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        subs = gb.assignment_submissions(A)
        seen = {s.student.id: s.score for s in subs}
    assert len(subs) == len(EXPECTED) and seen == EXPECTED, f"gradebook after the kills: {seen}"
    entries = journal.Journal(course).done()
    assert sorted(s for s, _ in entries) == sorted(EXPECTED), entries
    assert (course / "reports" / "grades.csv").is_file(), "the rerun wrote no grades.csv"
    assert (course / "feedback").is_dir(), "the rerun wrote no feedback"
    assert not _dead_owner_engines(), f"engines of the killed runs: {_dead_owner_engines()}"
    orphans = [n for n in limits.leftovers() if not Path("/var/run/netns", n).exists()]
    assert not orphans, f"cgroups of the killed runs: {orphans}"
    assert not _processes_under(course), f"processes left in {course}: {_processes_under(course)}"
    assert not jail.stray_processes(), f"grading users' processes left: {jail.stray_processes()}"
    assert not jail.stale_namespaces(), f"jails of the killed runs: {jail.stale_namespaces()}"
    mounts = [line.split()[1] for line in Path("/proc/mounts").read_text().splitlines()]
    engines = {m: re.search(r"/dcourse/(dcourse-[0-9a-f]+)(/|$)", m) for m in mounts}
    left = [m for m, e in engines.items() if e and not Path("/var/run/netns", e[1]).exists()]
    assert not left, f"mounts of engines that are gone (disks, overlays): {left}"
