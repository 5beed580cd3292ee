"""Round two: submissions that attack the root side of grading (`fixtures/adversarial/walls.py`),
graded in ONE `docker-course grade -j 2 --backend rootless-modern` run beside an honest control,
with a root-only canary folder and a canary key in the run's session keyring: the canary shows
up nowhere in the course folder, each case scores what its own engine state earns, the host
engine and its pid file are untouched, and no process, IPC object, key or engine is left."""

from __future__ import annotations

import ast
import contextlib
import ctypes
import os
import platform
import secrets
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import docker
import docker.errors
import nbformat
import pytest

from autograder import demo, engine, jail, labels
from tests import nbgrader_course as ng
from tests.fixtures.adversarial.walls import (
    CASES,
    HALF_DEAD_MARK,
    IPC_KEY,
    KEY,
    USER_KEY,
    A,
    WallCase,
)

# `docker-course grade` started in a session keyring of its own holding the canary key
pytestmark = pytest.mark.sid_tree  # grades on the default engine (Docker 28, sid tree)

WITH_KEY = """
import ctypes, os, platform, sys
libc = ctypes.CDLL(None, use_errno=True)
keyctl = {"x86_64": 250, "aarch64": 219, "riscv64": 219}[platform.machine()]
add_key = {"x86_64": 248, "aarch64": 217, "riscv64": 217}[platform.machine()]
libc.syscall(keyctl, ctypes.c_long(1), None)  # KEYCTL_JOIN_SESSION_KEYRING (anonymous)
secret = os.environ.pop("WALLS_CANARY").encode()
assert libc.syscall(add_key, b"user", sys.argv[1].encode(), secret, ctypes.c_size_t(len(secret)),
                    ctypes.c_long(-3)) > 0
os.execv(sys.argv[2], sys.argv[2:])
"""


@dataclass
class Run:
    course: Path
    done: subprocess.CompletedProcess[str]
    canary: str
    host_container: str
    host_pidfile: tuple[str, bool] | None  # (content, process alive) before the run


@pytest.fixture(scope="module")
def run(tmp_path_factory, docker_client: docker.DockerClient) -> Iterator[Run]:
    why_not = jail.why_unavailable()
    assert why_not is None, f"these cases attack the host and need a jail: {why_not}"
    canary = "CANARY-" + secrets.token_hex(12)  # in no notebook: only in root-only places
    canary_dir = Path("/root") / f"dcourse-walls-{secrets.token_hex(4)}"
    canary_dir.mkdir(mode=0o700)
    for name in ("from-container.txt", "secret"):
        (canary_dir / name).write_text(canary)
    course = ng.make_course(tmp_path_factory.mktemp("walls") / "course", A)
    where = {
        "canary_dir": str(canary_dir),
        "key": KEY,
        "user_key": USER_KEY,
        "ipc_key": str(IPC_KEY),
        "half_dead": HALF_DEAD_MARK,
        "source": str(course / "source" / A / f"{A}.ipynb"),
    }
    perfect = nbformat.read(course / "release" / A / f"{A}.ipynb", as_version=4)
    demo._solve(perfect, course / "source" / A / f"{A}.ipynb")  # as a student who solved it
    for case in CASES:
        _submit(course, case, perfect, where)
    # running: a grader that talked to the host engine at teardown would kill it
    host = docker_client.containers.run(
        "busybox:1.37", ["sleep", "3600"], name=f"walls-canary-{secrets.token_hex(3)}",
        labels=labels.managed("walls-canary"), detach=True,
    )  # fmt: skip
    pidfile = engine.default_spec().pidfile
    before = None
    if pidfile.is_file():
        text = pidfile.read_text()
        before = (text, engine._alive(int(text.strip())))
    try:
        done = subprocess.run(
            [sys.executable, "-c", WITH_KEY, KEY, str(ng.BIN / "docker-course"), "grade",
             str(course), "-j", "2", "--time-limit", "120", "--no-feedback",
             "--backend", "rootless-modern"],
            env={**ng.env(), "WALLS_CANARY": canary},
            capture_output=True, text=True, timeout=1500, check=False,
        )  # fmt: skip
        print(done.stdout)
        yield Run(course, done, canary, host.id, before)
    finally:
        with contextlib.suppress(docker.errors.NotFound):
            host.remove(force=True)
        shutil.rmtree(canary_dir, ignore_errors=True)


def _submit(course: Path, case: WallCase, perfect, where: dict[str, str]) -> None:
    folder = course / "submitted" / case.student / A
    folder.mkdir(parents=True)
    path = folder / f"{A}.ipynb"
    if case.link is not None:
        path.symlink_to(case.link.format(**where))
        return
    built = case.build(perfect, where)
    if isinstance(built, bytes):
        path.write_bytes(built)
    else:
        nbformat.write(built, path)


def test_run_completes(run: Run) -> None:
    tail = run.done.stdout[-3000:] + run.done.stderr[-3000:]
    assert run.done.returncode == 0, f"grade exited {run.done.returncode}:\n{tail}"
    assert f"{len(CASES)} submissions in" in run.done.stdout, f"not every submission done:\n{tail}"
    assert "from a Debian sid tree)" in run.done.stdout, f"not on rootless Docker 28:\n{tail}"


@pytest.mark.parametrize("case", CASES, ids=[c.student for c in CASES])
def test_case_scores_its_own_work(run: Run, case: WallCase) -> None:
    score = ng.submission_score(run.course, case.student, A)
    row = next((line for line in run.done.stdout.splitlines() if line.startswith(case.student)), "")
    expected = sorted(case.scores)
    assert score in case.scores, f"{case.student} ({case.what}): {score}, not in {expected}\n{row}"
    if score == max(case.scores) and case.expect_reason is None:
        assert "protected cells changed" not in row, f"{case.student}: tamper noise: {row}"
    if case.expect_reason:
        found = row + (run.course / "reports" / "checks.csv").read_text(encoding="utf-8")
        assert case.expect_reason in found, f"{case.student}: no {case.expect_reason!r}: {row}"


def test_canary_appears_nowhere(run: Run) -> None:
    found = []
    for path in run.course.rglob("*"):
        if path.is_file() and not path.is_symlink():
            with contextlib.suppress(OSError), open(path, "rb") as fh:
                if run.canary.encode() in fh.read():
                    found.append(str(path.relative_to(run.course)))
    assert not found, f"the root-only canary reached: {found}"
    assert run.canary not in run.done.stdout + run.done.stderr, "the canary is in the output"


def test_host_engine_and_its_pid_file_untouched(run: Run, docker_client) -> None:
    canary = docker_client.containers.get(run.host_container)  # NotFound: the host was reached
    assert canary.status == "running", f"the host engine's container was stopped: {canary.status}"
    if run.host_pidfile is not None:
        text, alive = run.host_pidfile
        pidfile = engine.default_spec().pidfile
        assert pidfile.is_file() and pidfile.read_text() == text, "host engine's pid file changed"
        assert engine._alive(int(text.strip())) == alive, "the host dockerd was signalled"


def test_other_leases_are_not_listed(run: Run) -> None:
    nb = nbformat.read(run.course / "autograded" / "cgroup_peek" / A / f"{A}.ipynb", 4)
    text = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
    line = next(x for x in text.splitlines() if x.startswith("LEASES"))
    names = [n for n in ast.literal_eval(line.removeprefix("LEASES ")) if n.startswith("dcourse-")]
    assert len(names) <= 1, f"a jail lists other leases: {names}"


def test_kernel_output_stays_off_the_host_log(run: Run) -> None:
    logs = list((run.course / ".grading").glob("log_flood--*/autograde.log"))
    sizes = {str(p): p.stat().st_size for p in logs}
    assert sizes and all(s < 8 * 1024**2 for s in sizes.values()), sizes


def test_nothing_outlives_the_leases(run: Run) -> None:
    assert not jail.stray_processes(), f"grading users' processes left: {jail.stray_processes()}"
    assert not jail.stale_namespaces(), f"jails left: {jail.stale_namespaces()}"
    half_dead = []
    for proc in Path("/proc").glob("[0-9]*"):
        with contextlib.suppress(OSError):
            if HALF_DEAD_MARK.encode() in (proc / "cmdline").read_bytes():
                half_dead.append(int(proc.name))
    assert not half_dead, f"a process with a dead main thread outlived grading: {half_dead}"
    for kind in ("shm", "msg"):
        table = Path(f"/proc/sysvipc/{kind}").read_text().splitlines()[1:]
        keys = [int(line.split()[0]) for line in table]
        assert IPC_KEY not in keys, f"a SysV {kind} object of a submission is left"


def test_no_key_is_left_for_the_next_lease(run: Run) -> None:
    probe = (
        "import ctypes, platform\n"
        "n = {'x86_64': 250, 'aarch64': 219, 'riscv64': 219}[platform.machine()]\n"
        f"print(ctypes.CDLL(None).syscall(n, ctypes.c_long(10), ctypes.c_long(-4), b'user',"
        f" b'{USER_KEY}', ctypes.c_long(0)))\n"
    )
    for lock in sorted(jail.SLOT_LOCKS.glob("*.lock")):
        user = jail.slot_user(int(lock.stem))
        done = subprocess.run(
            ["setpriv", f"--reuid={user.uid}", f"--regid={user.gid}", "--clear-groups",
             sys.executable, "-I", "-S", "-c", probe],
            capture_output=True, text=True, check=True, cwd="/",
        )  # fmt: skip
        assert int(done.stdout) < 0, f"{user.name} still holds the key a submission left"


def test_the_walls_probe_their_platform() -> None:
    assert platform.machine() in ("x86_64", "aarch64", "riscv64"), "keyctl numbers unknown here"
    assert ctypes.CDLL(None).renameat2, "renameat2 is missing from libc"
    assert os.path.isdir("/proc/sysvipc")
