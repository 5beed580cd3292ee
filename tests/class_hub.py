"""The class hub for `pytest -m hub` (a pytest plugin, loaded by conftest): one hub per session
on a free loopback port, for two students whose ids no real class has (Unix users dcs-test-…)
and the teacher park; each student's server is started once and shared. Teardown stops the hub
and removes the students' Unix users and engine disks."""

from __future__ import annotations

import socket
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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def class_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ClassHub]:
    folder = tmp_path_factory.mktemp("class")
    (folder / "roster.csv").write_text(f"id\n{KIM}\n{LEE}\n")
    state = folder / "state"
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
