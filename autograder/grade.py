"""``docker-course grade``: nbgrader autograde, one fresh private engine per submission, in
parallel (here, or on the workers of a grading farm: ``autograder.farm``), with an
out-of-kernel audit, progress, a summary, feedback and CSV exports.

Wraps nbgrader (autograde, generate_feedback, export, zip_collect); re-implements none of it.
"""

from __future__ import annotations

import functools
import gc
import shutil
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from pathlib import Path

from tqdm import tqdm

from . import engine, jail, nbgrader_cli, release, seed
from .errors import CourseError
from .grading import backends, gradebook, launcher, lms, report
from .grading.crash import crashpoint
from .grading.journal import Journal
from .grading.limits import DEFAULT as DEFAULT_LIMITS
from .grading.limits import Limits, default_jobs, reap_orphans
from .grading.worker import Job, Outcome, grade_one
from .private_engine import reap_leftovers


def main(
    course: Path,
    *,
    assignment: str | None = None,
    student: str | None = None,
    jobs: int | None = None,
    time_limit: float = 900.0,
    feedback: bool = True,
    backend: str = "auto",
    report_dir: Path | None = None,
    zip_file: Path | None = None,
    zip_pattern: str = lms.DEFAULT_PATTERN,
    force: bool = False,
    limits: Limits = DEFAULT_LIMITS,
    farm: str | None = None,
    echo: Callable[[str], None] = print,
) -> list[Outcome]:
    """Grade ``course``'s submissions here, or with ``farm`` (a Redis URL) on the grading
    farm's workers; either way this process is the one writer of gradebook, journal and
    reports."""
    course = course.resolve()
    if farm:
        from .farm.app import check_url

        check_url(farm)  # a wrong URL stops here, before anything is set up
    launcher.warm_up()  # nbgrader's import (seconds) overlaps the set-up below
    if zip_file is not None:
        known = [assignment] if assignment else release.assignments(course)
        echo(lms.import_zip(course, Path(zip_file), known, zip_pattern).text())
    todo = discover(course, assignment, student)
    if not todo:
        raise CourseError(
            f"no submission to grade under {course / 'submitted'}",
            fix="Collect first (nbgrader collect / zip_collect), or check the "
            "--assignment/--student filters.",
        )
    for name in sorted({j.assignment for j in todo}):
        _ensure_released(course, name)
    done = Journal(course)
    earlier = [] if force else _graded_before(course, todo, done)
    todo = [j for j in todo if j not in earlier]
    if earlier:
        echo(
            f"{len(earlier)} submissions were graded already and are unchanged: kept "
            "(--force regrades them)"
        )
    crashpoint("start")
    todo.sort(key=lambda j: (j.assignment, j.student))  # assignments finish one after another
    merger = Merger(course, done, threading.Lock())
    ahead = FeedbackAhead(course, todo) if feedback else None
    if ahead:
        merger.listeners.append(ahead.merged)
    try:
        if farm:
            from .farm import client

            started = time.monotonic()
            outcomes = client.grade(
                course, todo, farm, time_limit=time_limit, limits=limits, merger=merger, echo=echo
            )
        else:
            engines, jobs = _backend(backend, jobs or default_jobs(limits), limits, echo)
            if ahead:
                ahead.workers = jobs  # a worker idle at the end gives feedback early
            echo(f"grading {len(todo)} submissions with {jobs} workers ({engines.name})")
            started = time.monotonic()
            outcomes = _grade_here(course, todo, engines, jobs, time_limit, merger)
    finally:
        merger.close()
    crashpoint("report")
    entries = done.done()
    outcomes += [_earlier(course, job, entries[(job.student, job.assignment)]) for job in earlier]
    found = report.rows(course, outcomes)
    echo(report.table(found))
    echo(f"{len(outcomes)} submissions in {time.monotonic() - started:.0f} s")
    report_dir = report_dir or course / "reports"
    report_dir.mkdir(parents=True, exist_ok=True)
    calls = [["export", "--to", str(report_dir / "grades.csv")]]
    if ahead:  # a killed run may not have written feedback: "graded earlier" gets it again
        names = sorted({o.job.assignment for o in outcomes if o.status in GRADED})
        calls += [args for n in names if (args := ahead.rest(n)) is not None]
    # nbgrader's export and feedback only read the gradebook, all merged by now: they run side
    # by side, and beside the reports written here
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="nbgrader") as pool:
        running = [pool.submit(_nbgrader, course, args) for args in calls]
        checks = report.check_rows(course, outcomes)
        report.write_check_csv(report_dir / "checks.csv", checks)
        report.write_html(report_dir / "report.html", found, checks)
        report.write_core_csv(report_dir / "grades-core.csv", found)
        for call in running:
            call.result()  # the first failure, in the order above
    if ahead:
        ahead.wait()
    echo(
        f"reports: {report_dir}/grades.csv, grades-core.csv, checks.csv, report.html; "
        f"feedback in {course}/feedback"
    )
    return outcomes


def before_exit() -> None:
    """The grading process is about to end: its millions of objects (nbgrader, SQLAlchemy,
    notebooks) need no last garbage collection, which took ~0.6 s of the exit; the memory goes
    back with the process (``gc.freeze``: later collections skip every object alive now)."""
    gc.freeze()


def _grade_here(
    course: Path,
    todo: list[Job],
    engines: backends.Backend,
    jobs: int,
    time_limit: float,
    merger: Merger,
) -> list[Outcome]:
    """Grade ``todo`` on this machine, ``jobs`` at a time; merge each as it finishes."""
    scratch_root = course / ".grading"
    outcomes: list[Outcome] = []
    with engines, ThreadPoolExecutor(max_workers=jobs) as pool, progress(len(todo)) as bar:
        # the next engines (each from its section's template) start while these grade
        engines.expect([job.assignment for job in todo], at_once=jobs)
        futures = {
            pool.submit(
                grade_one,
                course,
                job,
                scratch_root / f"{job.student}--{job.assignment}",
                functools.partial(engines.lease, job.assignment),
                time_limit=time_limit,
                lock=merger.lock,
            ): job
            for job in todo
        }
        for future in as_completed(futures):
            outcome = future.result()  # grade_one turns a submission's failure into "failed"
            merger(outcome)
            outcomes.append(outcome)
            bar.set_postfix_str(f"{outcome.job.student}/{outcome.job.assignment} {outcome.status}")
            bar.update()
    return outcomes


def progress(total: int) -> tqdm:
    """The progress bar of a grading run (done/total, elapsed, ETA), on stderr."""
    return tqdm(
        total=total,
        unit="sub",
        file=sys.stderr,
        dynamic_ncols=True,
        bar_format="{l_bar}{bar}| {n_fmt}/{total_fmt} [{elapsed}<{remaining}]",
    )


class Merger:
    """The single writer of a grading run: merges each finished submission into the gradebook,
    then journals it; a submission already merged in this run is not merged again (a farm may
    deliver a result twice)."""

    def __init__(self, course: Path, journal: Journal, lock: threading.Lock) -> None:
        self.course = course
        self.journal = journal
        self.lock = lock  # also held by workers that copy the gradebook
        self.merged: set[tuple[str, str]] = set()
        self.listeners: list[Callable[[Outcome], None]] = []  # told of each merged outcome
        self._gradebook: gradebook.Gradebook | None = None  # open from the first merge to close()

    def __call__(self, outcome: Outcome, *, fingerprint: str | None = None) -> bool:
        """Merge ``outcome`` (graded from files with ``fingerprint``, default: the files there
        now); False if this run merged that submission already."""
        key = (outcome.job.student, outcome.job.assignment)
        if key in self.merged:
            return False
        crashpoint("autograde-done")
        if self._gradebook is None:
            self._gradebook = gradebook.Gradebook(gradebook.db_url(self.course))
        _merge(self.course, outcome, self.lock, self._gradebook)
        crashpoint("merge-committed")
        self.journal.record(outcome, fingerprint=fingerprint)
        self.merged.add(key)
        if len(self.merged) == 1:
            crashpoint("after-first-outcome")
        for listener in self.listeners:
            listener(outcome)
        return True

    def close(self) -> None:
        """Close the gradebook the merges kept open (merging again opens it again)."""
        if self._gradebook is not None:
            self._gradebook.close()
            self._gradebook = None


GRADED = {"graded", "graded earlier"}  # outcomes with feedback to give


class FeedbackAhead:
    """nbgrader's feedback of an assignment as soon as the last of its submissions in this run
    is merged, on a thread of its own, while the next assignments grade (the run grades them
    one after another). Feedback only reads: the gradebook rows and autograded files of an
    assignment whose every submission is merged.

    The last assignment's would wait for the end of the run (beside the export and the
    reports). So once no submission is left to start and a worker is idle (``workers``: how
    many grade at once), the feedback of the last assignment's submissions merged by then
    starts on that idle core, each of those students by name; the end of the run gives it to
    every other student of the assignment (:meth:`rest`)."""

    def __init__(self, course: Path, todo: list[Job], *, workers: int | None = None) -> None:
        self.course = course
        self.left = Counter(job.assignment for job in todo)
        self.graded: set[str] = set()
        self.started: dict[str, Future] = {}
        self.workers = workers
        self.last = todo[-1].assignment if todo else None
        self.students = {job.student for job in todo if job.assignment == self.last}
        self.merged_students: set[str] = set()  # of the last assignment, graded and merged
        self.early: set[str] = set()  # of the last assignment, given their feedback early
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="feedback")

    def merged(self, outcome: Outcome) -> None:
        name = outcome.job.assignment
        if outcome.status in GRADED:
            self.graded.add(name)
            if name == self.last:
                self.merged_students.add(outcome.job.student)
        self.left[name] -= 1
        others = sum(n for other, n in self.left.items() if other != name)
        if self.left[name] == 0 and name in self.graded and others > 0:
            args = ["generate_feedback", name, "--force"]
            self.started[name] = self._pool.submit(_nbgrader, self.course, args)
        unmerged = sum(self.left.values())
        if self.workers and 0 < unmerged < self.workers and not self.early:
            self._start_early()

    def _start_early(self) -> None:
        batch = set(self.merged_students)
        if not batch or any("," in student for student in self.students):
            return  # nothing to give yet; or a name nbgrader's exclusion list cannot hold
        assert self.last is not None
        autograded = {p.parent.name for p in self.course.glob(f"autograded/*/{self.last}")}
        others = sorted((self.students | autograded) - batch)
        args = ["generate_feedback", self.last, "--force", *_excluding(others)]
        self.early = batch
        self.started[f"{self.last} (early)"] = self._pool.submit(_nbgrader, self.course, args)

    def rest(self, name: str) -> list[str] | None:
        """The end of the run's feedback call for ``name``: all of it, the students not given
        theirs early, or ``None`` (given all of it ahead)."""
        if name in self.started:
            return None
        return ["generate_feedback", name, "--force"] + (
            _excluding(sorted(self.early)) if name == self.last else []
        )

    def wait(self) -> None:
        """Wait for the feedback started ahead; its first failure is raised."""
        self._pool.shutdown(wait=True)
        for name in sorted(self.started):
            self.started[name].result()


def _excluding(students: list[str]) -> list[str]:
    return [f"--CourseDirectory.student_id_exclude={','.join(students)}"] if students else []


def _merge(course: Path, outcome: Outcome, lock: threading.Lock, gb: gradebook.Gradebook) -> None:
    """Merge one result; if its files cannot be merged (an autograded notebook nbgrader cannot
    read back, …), that submission is recorded as failed with 0 and the reason, and the run
    goes on (the failed merge wrote nothing: it is one transaction)."""
    try:
        gradebook.merge(course, outcome, lock, gb)
    except Exception as exc:  # noqa: BLE001
        outcome.problems.append(f"merging the result failed: {type(exc).__name__}: {exc}"[:400])
        outcome.status = "failed"
        shutil.rmtree(course / "autograded" / outcome.job.student / outcome.job.assignment,
                      ignore_errors=True)  # fmt: skip
        gradebook.merge(course, outcome, lock, gb)  # zero grades: reads no file of the student


def discover(course: Path, assignment: str | None, student: str | None) -> list[Job]:
    submitted = course / "submitted"
    found = []
    for student_dir in sorted(p for p in submitted.glob("*") if p.is_dir()):
        if student and student_dir.name != student:
            continue
        for assignment_dir in sorted(p for p in student_dir.glob("*") if p.is_dir()):
            if assignment and assignment_dir.name != assignment:
                continue
            if (course / "source" / assignment_dir.name).is_dir():
                found.append(Job(student_dir.name, assignment_dir.name))
    return found


def _graded_before(course: Path, todo: list[Job], journal: Journal) -> list[Job]:
    """Journaled with the same files, and their grades still in the gradebook."""
    entries, recorded = journal.done(), gradebook.submissions(course)
    return [
        job
        for job in todo
        if (job.student, job.assignment) in recorded
        and entries.get((job.student, job.assignment), {}).get("fingerprint")
        == journal.fingerprint(job)
    ]


def _earlier(course: Path, job: Job, entry: dict) -> Outcome:
    """A submission graded by an earlier run, as that run recorded it."""
    return Outcome(
        job,
        "graded earlier",
        entry.get("backend", "?"),
        float(entry.get("seconds", 0)),
        course / ".grading" / f"{job.student}--{job.assignment}",
        list(entry.get("problems", [])),
    )


def _nbgrader(course: Path, args: list[str]) -> None:
    """nbgrader, forked from the grading run's forkserver (no second import of nbgrader)."""
    crashpoint(args[0])
    name = "-".join(args[:2]) if args[0] == "generate_feedback" else args[0]
    log = course / ".grading" / f"nbgrader-{name}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    log.unlink(missing_ok=True)
    code = launcher.nbgrader(args, cwd=course, env=nbgrader_cli.env(), log=log, limit=600).code
    if code != 0:
        tail = log.read_text(errors="replace").strip()[-1500:] if log.exists() else ""
        raise CourseError(f"nbgrader {' '.join(args)} failed (exit {code}):\n{tail}")


def _ensure_released(course: Path, assignment: str) -> None:
    if not (course / "gradebook.db").exists() or not gradebook.has_assignment(course, assignment):
        nbgrader_cli.run(course, ["generate_assignment", assignment, "--force"])


def _backend(choice: str, jobs: int, limits: Limits, echo) -> tuple[backends.Backend, int]:
    engines = open_backend(choice, limits, echo)
    return engines, 1 if isinstance(engines, backends.SharedBackend) else max(1, jobs)


def _modern_tree(echo) -> Path:
    """Debian sid's Docker 28 (overlay2 with native diff in a user namespace: ``docker commit``
    and build steps several times faster than 20.10's naive diff), built once (≈ 1–2 min)."""
    from . import modern_engine

    try:
        return modern_engine.tree(report=echo)
    except OSError as exc:
        raise CourseError(f"its tree could not be made ({exc})") from exc


def reap(echo) -> None:
    """Remove what a killed run left behind (engines, cgroups, jails of no live run)."""
    removed = reap_leftovers() + reap_orphans() + jail.reap()
    if removed:
        echo(f"removed leftovers of an earlier run: {', '.join(removed)}")


def open_backend(choice: str, limits: Limits, echo, *, reap_first: bool = True) -> backends.Backend:
    """The backend ``choice`` (auto, rootless-modern, rootless, private, shared) names, or says
    why not. ``auto`` grades on the fastest jail that holds: Docker 28 from the sid tree
    (rootless-modern), else Debian's Docker 20.10 (rootless), else private, else shared.
    ``reap_first``: remove leftovers of earlier runs before (a farm worker does it once, in
    its main process, not in every slot)."""
    rootless = {"auto", "rootless", "rootless-modern"}
    if choice in rootless | {"private"} and backends.private_available():
        seeds = seed.seeds(engine.client(), engine.project_root() / ".course" / "images")
        if reap_first:
            reap(echo)
        why_not = "--backend private was chosen" if choice == "private" else jail.why_unavailable()
        if not why_not and choice in {"auto", "rootless-modern"}:
            try:
                return backends.RootlessBackend(seeds, limits, tree=_modern_tree(echo))
            except CourseError as exc:
                if choice == "rootless-modern":
                    raise
                echo(
                    "! grading on Debian's Docker 20.10 (rootless), where commits and builds are "
                    f"slower: Docker 28 from the sid tree is not possible here: {exc.message}"
                )
        if not why_not:
            try:
                return backends.RootlessBackend(seeds, limits)
            except CourseError as exc:
                if choice != "auto":
                    raise
                why_not = f"no rootless engine: {exc.message}"
        if choice in rootless - {"auto"}:
            raise CourseError(f"--backend {choice} is not possible here: {why_not}.")
        echo("!" * 78 + f"\n! NOT JAILED: kernels and engines run as root ({why_not})\n" + "!" * 78)
        return backends.PrivateBackend(seeds, limits, why_not_jailed=why_not)
    if choice in {"private", "rootless", "rootless-modern"}:
        raise CourseError(f"--backend {choice} needs Linux and root (network namespaces).")
    echo("!" * 78 + "\n! " + backends.SHARED_WARNING + "\n" + "!" * 78)
    return backends.SharedBackend()
