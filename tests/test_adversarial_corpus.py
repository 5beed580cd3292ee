"""Hostile and broken submissions of 01-concepts, graded together in ONE normal
`docker-course grade -j 3 --time-limit 60 --no-feedback --backend rootless-modern` run (jailed: some
cases attack the host) with an honest control: each gets
exactly the credit the real engine state earns, with a readable reason, and the run leaves the
host engine, the course's source/, the other submissions and the machine as it found them.

The corpus is `tests/fixtures/adversarial/cases.py` (expected table: `expected.csv` beside it).
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import html
import os
import re
import secrets
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import docker
import docker.errors
import nbformat
import pytest

from autograder import jail, labels
from autograder.private_engine import DATA_BASE, PREFIX, RUN_BASE
from tests import nbgrader_course as ng
from tests.fixtures.adversarial.cases import (
    CASES,
    CONTROL,
    LATER,
    MAX,
    PWNED,
    STRAY_SLEEP,
    A,
    Case,
    Notebooks,
    expected_csv,
)

pytestmark = pytest.mark.sid_tree  # grades on the default engine (Docker 28, sid tree)

EXPECTED_CSV = Path(__file__).parent / "fixtures" / "adversarial" / "expected.csv"
ALL = [CONTROL, *CASES]


@dataclass
class Run:
    course: Path
    done: subprocess.CompletedProcess[str]
    seconds: float
    canaries: dict[str, str]  # kind → "ok" / "gone" / "now <id>"
    theirs_before: dict[str, str]
    theirs_after: dict[str, str]
    files_before: dict[str, str]
    files_after: dict[str, str]
    engines_before: set[str]
    engines_after: set[str]
    strays: list[int]


#: containers the submissions create: none may ever show up on the host engine
THEIR_NAMES = {"concept-a", "concept-b", "forever"}


def _plant_canaries(dc: docker.DockerClient) -> dict[str, str]:
    """A stopped container, a volume and an image tag on the host engine, made just for this
    run: every destructive case (rm -f all, rmi -f all, system prune -af --volumes) would take
    them if it reached the host. Other test sessions share this engine and create and remove
    their own objects meanwhile, so a plain before/after diff of ids cannot blame us alone."""
    name = f"adversarial-canary-{secrets.token_hex(3)}"
    mark = labels.managed("adversarial-canary")
    image = dc.images.get("busybox:1.37")
    image.tag(f"docker-course-test/{name}", "1")
    dc.volumes.create(name, labels=mark)
    container = dc.containers.create("busybox:1.37", ["true"], name=name, labels=mark)
    return {
        "container": container.id,
        "volume": name,
        "tag": f"docker-course-test/{name}:1",
        "image": image.id,
    }


def _canaries_left(dc: docker.DockerClient, canaries: dict[str, str]) -> dict[str, str]:
    """What became of each canary (``ok`` when untouched)."""
    seen = {}
    for kind, get, key, want in (
        ("container", dc.containers.get, canaries["container"], canaries["container"]),
        ("volume", dc.volumes.get, canaries["volume"], canaries["volume"]),
        ("tag", dc.images.get, canaries["tag"], canaries["image"]),
    ):
        try:
            found = get(key)
            seen[kind] = "ok" if (found.id == want or found.name == want) else f"now {found.id}"
        except docker.errors.NotFound:
            seen[kind] = "gone"
    return seen


def _remove_canaries(dc: docker.DockerClient, canaries: dict[str, str]) -> None:
    with contextlib.suppress(docker.errors.NotFound):
        dc.containers.get(canaries["container"]).remove(force=True)
    with contextlib.suppress(docker.errors.NotFound):
        dc.volumes.get(canaries["volume"]).remove(force=True)
    with contextlib.suppress(docker.errors.NotFound):
        dc.images.remove(canaries["tag"])


def _their_containers(dc: docker.DockerClient) -> dict[str, str]:
    """Host containers that look like the submissions' (by name or by their endless sleep)."""
    return {
        c.id: f"{c.name}: {c.attrs['Config'].get('Cmd')}"
        for c in dc.containers.list(all=True)
        if c.name in THEIR_NAMES or "2147483647" in str(c.attrs["Config"].get("Cmd"))
    }


def _hashes(course: Path) -> dict[str, str]:
    """sha256 of every file under source/ and submitted/ (relative path → digest)."""
    found = {}
    for top in ("source", "submitted"):
        for path in sorted((course / top).rglob("*")):
            if path.is_file():
                found[str(path.relative_to(course))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def _engines() -> set[str]:
    """Private engines present: network namespaces and folders named dcourse-*."""
    done = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True, check=False)
    names = {line.split()[0] for line in done.stdout.splitlines() if line.startswith(PREFIX)}
    for base in (RUN_BASE, DATA_BASE):
        if base.is_dir():
            names |= {p.name for p in base.iterdir() if p.name.startswith(PREFIX)}
    return names


def _owner_alive(name: str) -> bool:
    """Another grading run or test session still owns this engine (not a leftover of ours)."""
    try:
        pid = int((RUN_BASE / name / "owner.pid").read_text())
        os.kill(pid, 0)
    except (OSError, ValueError):
        return False
    return True


def _stray_sleeps() -> list[int]:
    wanted = b"sleep\0" + STRAY_SLEEP.encode() + b"\0"
    found = []
    for proc in Path("/proc").glob("[0-9]*"):
        with contextlib.suppress(OSError):
            if (proc / "cmdline").read_bytes() == wanted:
                found.append(int(proc.name))
    return found


def _submit(course: Path, case: Case, notebooks: Notebooks) -> None:
    folder = course / "submitted" / case.student / A
    folder.mkdir(parents=True, exist_ok=True)
    built = case.build(notebooks)
    path = folder / f"{A}.ipynb"
    if isinstance(built, bytes):
        path.write_bytes(built)
    else:
        nbformat.write(built, path)


@pytest.fixture(scope="module")
def run(tmp_path_factory, docker_client: docker.DockerClient) -> Iterator[Run]:
    why_not = jail.why_unavailable()
    assert why_not is None, f"the corpus attacks the host and needs a jail: {why_not}"
    course = ng.make_course(tmp_path_factory.mktemp("adversarial") / "course", A)
    notebooks = Notebooks(ng.released_notebook(course, A), ng.source_notebook(A))
    for case in ALL:
        _submit(course, case, notebooks)
    canaries = _plant_canaries(docker_client)
    try:
        theirs_before, files_before, engines_before = (
            _their_containers(docker_client),
            _hashes(course),
            _engines(),
        )
        started = time.monotonic()
        done = ng.grade(
            course, "-j", "3", "--time-limit", "60", "--no-feedback",
            "--backend", "rootless-modern", timeout=1500,
        )  # fmt: skip
        seconds = time.monotonic() - started
        print(done.stdout, f"\ngrading took {seconds:.0f} s")
        strays = _stray_sleeps()
        for pid in strays:  # started by the never_stopping submission: ours to end
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        yield Run(
            course,
            done,
            seconds,
            _canaries_left(docker_client, canaries),
            theirs_before,
            _their_containers(docker_client),
            files_before,
            _hashes(course),
            engines_before,
            _engines(),
            strays,
        )
    finally:
        _remove_canaries(docker_client, canaries)


def _problems(course: Path) -> dict[str, str]:
    """student → the problems column of reports/report.html (not cut to the terminal width)."""
    page = (course / "reports" / "report.html").read_text(encoding="utf-8")
    rows = re.findall(
        r"<tr><td>(.*?)</td><td>.*?</td><td>.*?</td><td>.*?</td><td>.*?</td>"
        r"<td>(.*?)</td></tr>",
        page.split("<h2>")[0],
    )
    return {html.unescape(student): html.unescape(problems) for student, problems in rows}


def _messages(course: Path) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    with open(course / "reports" / "checks.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            found.setdefault(row["student"], []).append(f"{row['grade_id']}: {row['message']}")
    return found


def test_run_completes(run: Run) -> None:
    tail = run.done.stdout[-3000:] + run.done.stderr[-3000:]
    assert run.done.returncode == 0, f"grade exited {run.done.returncode}:\n{tail}"
    assert f"{len(ALL)} submissions in" in run.done.stdout, f"not every submission done:\n{tail}"
    modern = "from a Debian sid tree)"
    assert modern in run.done.stdout, f"not graded on the rootless Docker 28 engines:\n{tail}"


#: known holes, kept visible: strict xfail turns into a failure the day they are closed
OPEN_HOLES: dict[str, str] = {}


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(c, marks=pytest.mark.xfail(strict=True, reason=OPEN_HOLES[c.student]))
        if c.student in OPEN_HOLES
        else c
        for c in ALL
    ],
    ids=[c.student for c in ALL],
)
def test_case(run: Run, case: Case) -> None:
    score = ng.submission_score(run.course, case.student, A)
    problems = _problems(run.course).get(case.student, "(no row in report.html)")
    messages = _messages(run.course).get(case.student, [])
    seen = f"problems: {problems!r}\nchecks: " + "\n  ".join(m[:200] for m in messages)
    assert score == case.expect_score, (
        f"{case.student} ({case.what}): expected {case.expect_score:g}/{MAX:g}, got {score}\n{seen}"
    )
    if case.expect_reason is not None:
        assert any(case.expect_reason in text for text in [problems, *messages]), (
            f"{case.student}: no {case.expect_reason!r} in the report\n{seen}"
        )


def test_max_score_is_the_teachers(run: Run) -> None:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{run.course / 'gradebook.db'}") as gb:
        wrong = {
            s.student.id: s.max_score for s in gb.assignment_submissions(A) if s.max_score != MAX
        }
    assert not wrong, f"max score is not {MAX:g} for {wrong}"


def test_one_submission_per_student(run: Run) -> None:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{run.course / 'gradebook.db'}") as gb:
        counts = {s.id: len(s.submissions) for s in gb.students}
    expected = {c.student: 1 for c in ALL}
    assert counts == expected, f"expected one submission each, saw {counts}"


def test_host_engine_untouched(run: Run) -> None:
    hit = {kind: state for kind, state in run.canaries.items() if state != "ok"}
    assert not hit, f"grading reached the host engine: canaries {hit}"
    new = {k: v for k, v in run.theirs_after.items() if k not in run.theirs_before}
    assert not new, f"containers of the submissions appeared on the host engine: {new}"


def test_source_and_submissions_untouched(run: Run) -> None:
    changed = sorted(
        k
        for k in run.files_before.keys() | run.files_after.keys()
        if run.files_before.get(k) != run.files_after.get(k)
    )
    assert not changed, f"files of source/ or submitted/ changed: {changed}"


def test_nothing_left_behind(run: Run) -> None:
    left = sorted(n for n in run.engines_after - run.engines_before if not _owner_alive(n))
    assert not left, f"private engines left behind (netns or folders): {left}"
    assert not run.strays, f"processes `sleep {STRAY_SLEEP}` outlived grading: pids {run.strays}"
    assert not jail.stray_processes(), f"grading users' processes left: {jail.stray_processes()}"
    assert not jail.stale_namespaces(), f"jails left: {jail.stale_namespaces()}"


def test_no_marks_of_writes_outside(run: Run) -> None:
    found = [p for top in (run.course, ng.ROOT / "source") for p in top.rglob(PWNED)]
    found += [p for p in (Path("/etc"), Path("/root"), Path("/")) if (p / PWNED).exists()]
    assert not found, f"the write_outside case left files: {found}"


def test_expected_csv_matches_the_cases() -> None:
    """The teacher's table is the cases' own (`python -m tests.fixtures.adversarial.cases`)."""
    seen = EXPECTED_CSV.read_text(encoding="utf-8")
    assert seen == expected_csv(), (
        "expected.csv differs from cases.py; regenerate it with "
        "`python -m tests.fixtures.adversarial.cases > tests/fixtures/adversarial/expected.csv`"
    )


def test_later_cases_are_described() -> None:
    names = [later.name for later in LATER]
    assert len(names) == len(set(names)) and all(x.what and x.why_not_yet for x in LATER), LATER
    assert not set(names) & {c.student for c in ALL}, "a LATER case is also run"
