"""The class hub for `pytest -m hub` (a pytest plugin, loaded by conftest): one hub per session
on a free loopback port, for two students whose ids no real class has (Unix users dcs-test-…)
and the teacher park; each student's server is started once and shared. Teardown stops the hub
and removes the students' Unix users and engine disks."""

from __future__ import annotations

import socket
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from autograder.hub import accounts, server, students
from autograder.hub.client import Hub, Server

ROOT = Path(__file__).resolve().parents[1]
KIM, LEE, TEACHER = "test-kim", "test-lee", "park"


@dataclass(frozen=True)
class ClassHub:
    hub: Hub  # REST, with docker-course's token
    state: Path  # the hub's state folder (database, secrets, passwords, exchange)
    url: str  # what students open
    passwords: dict[str, str]  # id → password, as the teacher hands them out


_HUBS: list[Path] = []  # state folders of this session's hubs, for a failed test's report
TAIL = 4000


def _tail(path: Path) -> str:
    try:
        return path.read_text(errors="replace")[-TAIL:]
    except OSError as exc:
        return f"(unreadable: {exc})"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """A failed hub test's report ends with the hub's log and every student server's log."""
    report = yield
    if report.failed and "class_hub" in getattr(item, "fixturenames", ()):
        for state in _HUBS:
            report.sections.append((f"{state / 'hub.log'} (end)", _tail(state / "hub.log")))
            for lab_log in sorted(state.glob("students/*/lab.log")):
                report.sections.append((f"{lab_log} (end)", _tail(lab_log)))
        report.sections.append(("the kernel's OOM kills in student cgroups", _student_ooms()))
    return report


def _student_ooms() -> str:
    done = subprocess.run(["dmesg"], capture_output=True, text=True, check=False)
    found = [line for line in done.stdout.splitlines() if "oom" in line and "dcclass" in line]
    return "\n".join(found[-20:]) or f"none (dmesg said: {done.stderr.strip() or 'nothing'})"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def class_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ClassHub]:
    folder = tmp_path_factory.mktemp("class")
    (folder / "roster.csv").write_text(f"id\n{KIM}\n{LEE}\n")
    state = folder / "state"
    _HUBS.append(state)
    try:
        found = server.up(
            ROOT, folder / "roster.csv", teacher=TEACHER, port=free_port(), state=state,
            echo=lambda _: None,
        )  # fmt: skip
        yield ClassHub(
            Hub(found.url, server.api_token(state)), state, found.url, accounts.sheet(state)
        )
    finally:
        server.down(state, echo=lambda _: None)
        for student in (KIM, LEE):
            students.remove(student)


@pytest.fixture(scope="session")
def class_servers(class_hub: ClassHub) -> dict[str, tuple[Server, str]]:
    """Each student's server, started through the hub's REST API, and a kernel in it."""
    found = {}
    for student in (KIM, LEE):
        s = class_hub.hub.start(student)
        found[student] = (s, s.kernel())
    return found
