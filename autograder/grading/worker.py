"""Grade one (student, assignment) in a scratch copy of the course, on its own engine."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path

from . import launcher, paths, submission, tamper, warm_kernel
from .backends import Lease, nbgrader_env
from .crash import crashpoint
from .recorder import Recorder

AUDIT_CONFIG = """

# --- added by docker-course grade: audit every grade cell from outside the kernel ---
from autograder.grading.audit import AuditedExecute
from autograder.grading.sanitize import DropBadMetadata, DropOrphanIds
from nbconvert.preprocessors import ClearMetadataPreprocessor
from nbgrader.preprocessors import (
    CheckCellMetadata, ClearOutput, DeduplicateIds, IgnorePattern, LimitOutput, OverwriteCells,
    OverwriteKernelspec,
)

c.Autograde.sanitize_preprocessors = [
    ClearOutput, DropBadMetadata, DeduplicateIds, DropOrphanIds, OverwriteKernelspec,
    OverwriteCells, CheckCellMetadata,
]

# nbgrader's SaveAutoGrades and AssignLatePenalties are not run here: they would write only this
# scratch gradebook, which nothing reads; the coordinator's merge scores the autograded notebook
# into the course's gradebook (grading.gradebook; ~0.05-0.1 s of a core a submission)
c.Autograde.autograde_preprocessors = [
    AuditedExecute, IgnorePattern, ClearMetadataPreprocessor, LimitOutput, CheckCellMetadata,
]
c.AuditedExecute.source_notebook = {source!r}
c.AuditedExecute.report_path = {report!r}
c.AuditedExecute.timeout = c.Execute.timeout
c.AuditedExecute.interrupt_on_timeout = True
# the kernel has nothing to do after the last cell (the lease kills what it leaves): no
# graceful shut-down to wait for (~0.2-0.4 s of a submission, measured with bench/grading.py)
c.AuditedExecute.shutdown_kernel = "immediate"
# kernels start as the grading user inside the engine's jail when DOCKER_COURSE_JAIL is set
c.AuditedExecute.kernel_manager_class = "autograder.grading.kernel_manager.JailedKernelManager"
"""


@dataclass(frozen=True)
class Job:
    student: str
    assignment: str


@dataclass
class Outcome:
    job: Job
    # graded | missing | timeout | limit | failed (nbgrader could not grade the file) |
    # error (grading itself failed: the engine would not start or died twice)
    status: str
    backend: str
    seconds: float
    scratch: Path
    problems: list[str] = field(default_factory=list)
    audits: list[dict] = field(default_factory=list)
    lease_seconds: float = 0.0  # waiting for the engine (and jail): the lease on its path

    @property
    def autograded(self) -> Path:
        return self.scratch / "autograded" / self.job.student / self.job.assignment


def prepare_scratch(
    course: Path, job: Job, scratch: Path, lock: threading.Lock, listing: submission.Listing
) -> Path:
    """A course folder with just this submission (its regular files), its source and a copy
    of the gradebook."""
    if scratch.exists():
        shutil.rmtree(scratch)
    (scratch / "submitted" / job.student).mkdir(parents=True)
    shutil.copytree(course / "source" / job.assignment, scratch / "source" / job.assignment)
    submission.copy(listing, scratch / "submitted" / job.student / job.assignment)
    with lock:  # the coordinator writes the gradebook; copy a consistent file
        shutil.copy(course / "gradebook.db", scratch / "gradebook.db")
    source = next((scratch / "source" / job.assignment).glob("*.ipynb"))
    config = (course / "nbgrader_config.py").read_text()
    config += AUDIT_CONFIG.format(source=str(source), report=str(scratch / "audit.json"))
    (scratch / "nbgrader_config.py").write_text(config)
    return scratch


def grade_one(
    course: Path,
    job: Job,
    scratch: Path,
    lease_factory: Callable[[], AbstractContextManager[Lease]],
    *,
    time_limit: float,
    lock: threading.Lock,
    listing: submission.Listing | None = None,
) -> Outcome:
    """Grade ``job`` of ``course``; ``listing`` is its files when another machine scanned them
    (a farm worker: what that machine refused is not on this one), else they are scanned here."""
    started = time.monotonic()
    try:
        return _grade_one(course, job, scratch, lease_factory, time_limit, lock, started, listing)
    except Exception as exc:  # one submission's file must not stop the run  # noqa: BLE001
        problem = f"grading this submission failed: {type(exc).__name__}: {exc}"[:400]
        return Outcome(job, "failed", "-", time.monotonic() - started, scratch, [problem])


def _grade_one(
    course: Path,
    job: Job,
    scratch: Path,
    lease_factory: Callable[[], AbstractContextManager[Lease]],
    time_limit: float,
    lock: threading.Lock,
    started: float,
    listing: submission.Listing | None = None,
) -> Outcome:
    listing = listing or submission.scan(course, job.student, job.assignment)
    prepare_scratch(course, job, scratch, lock, listing)
    wanted = sorted(p.name for p in (course / "source" / job.assignment).glob("*.ipynb"))
    absent = [name for name in wanted if not listing.has(name)]
    if absent:
        seen = sorted({f.parts[0] for f in listing.files}) or ["nothing"]
        problem = f"missing notebook {', '.join(absent)} (submitted: {', '.join(seen)})"
        status = "failed" if listing.refused else "missing"
        elapsed = time.monotonic() - started
        return Outcome(job, status, "-", elapsed, scratch, [*listing.refused, problem])
    log = scratch / "autograde.log"
    status, problems, backend = "failed", [], "?"
    waited = 0.0
    for attempt in (1, 2):  # an engine that dies under a submission gets one more chance,
        if attempt == 2:  # and so does one whose engine or jail would not start
            prepare_scratch(course, job, scratch, lock, listing)
        try:
            asked = time.monotonic()
            with lease_factory() as lease:
                waited += time.monotonic() - asked
                backend = lease.backend
                crashpoint("engine-up")
                status, stopped = _run_autograde(job, scratch, lease, time_limit, log)
                died = not lease.engine_alive()
        except Exception as exc:  # an engine that would not start, a namespace error, …  # noqa: BLE001
            problem = f"grading infrastructure failed: {type(exc).__name__}: {exc}"[:400]
            status = "error"
            if attempt == 1:
                problems.append(f"{problem} (tried again)")
                continue
            problems.append(problem)
            break
        if not died:
            problems += lease.warnings + stopped
            break
        problems.append(f"the engine died during attempt {attempt}")
        status = "error"
    if status == "timeout":
        problems.append(f"stopped after the {time_limit:g} s limit for one submission")
    elif status == "failed" and not problems:
        problems.append("nbgrader autograde failed: " + _tail(log))
    problems += listing.refused + _tampering(course, job, listing)
    audits = []
    with contextlib.suppress(OSError, ValueError):
        audits = json.loads((scratch / "audit.json").read_text())
    for audit in audits:
        if audit.get("overruled"):
            problems.append(f"audit overruled the kernel in {audit['grade_id']}")
    elapsed = time.monotonic() - started
    return Outcome(job, status, backend, elapsed, scratch, problems, audits, waited)


def _run_autograde(
    job: Job, scratch: Path, lease: Lease, limit: float, log: Path
) -> tuple[str, list[str]]:
    work = lease.work or scratch / "work"
    history = scratch / "history.jsonl"  # the engine's events, recorded outside the kernel
    env = nbgrader_env(
        lease.docker_host, work, jail=lease.jail, own_disk=bool(lease.work), history=history
    )
    if lease.kernel:  # its kernel, already started: nbgrader's first kernel start takes it
        env[warm_kernel.ENV] = lease.kernel
    try:
        with Recorder(lease.docker_host, history):
            done = _nbgrader(job, scratch, lease, limit, log, env)
    finally:
        lease.kill_stragglers()
    if done.stopped == "timeout":
        return "timeout", []
    if done.stopped:
        return "limit", [f"stopped: {done.stopped}"]
    notebooks = list((scratch / "autograded" / job.student / job.assignment).glob("*.ipynb"))
    for notebook in notebooks if done.code == 0 else []:
        paths.as_the_student_sees(notebook, work, lease.home or scratch)
    return ("graded" if done.code == 0 and notebooks else "failed"), []


def _nbgrader(
    job: Job, scratch: Path, lease: Lease, limit: float, log: Path, env: dict[str, str]
) -> launcher.Finished:
    return launcher.nbgrader(
        ["autograde", job.assignment, "--student", job.student, "--force"],
        cwd=scratch,
        env=env,
        netns=lease.netns,
        log=log,
        limit=limit,
        cgroup=lease.cgroup,
        exceeded=lease.exceeded,
    )


def _tampering(course: Path, job: Job, listing: submission.Listing) -> list[str]:
    found = []
    for released in sorted((course / "release" / job.assignment).glob("*.ipynb")):
        if not listing.has(released.name):
            continue
        try:
            handed = submission.read_bytes(listing.folder / released.name)
            changed = tamper.changes(released, handed)
        except Exception as exc:  # a report line, never a reason to stop  # noqa: BLE001
            changed = [f"could not compare ({type(exc).__name__})"]
        if changed:
            found.append(
                f"{released.name}: protected cells changed (restored): " + "; ".join(changed)
            )
    return found


def _tail(log: Path, lines: int = 3, *, window: int = 64 * 1024) -> str:
    """The last error lines of a log of any size (only its last ``window`` bytes are read)."""
    try:
        with open(log, "rb") as fh:
            fh.seek(max(0, fh.seek(0, os.SEEK_END) - window))
            text = fh.read(window).decode(errors="replace").strip().splitlines()
    except OSError:
        return "(no log)"
    errors = [t for t in text if "ERROR" in t or "Error" in t] or text
    return " | ".join(errors[-lines:])[:400]
