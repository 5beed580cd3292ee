"""`docker-course class up`: the hub answers on loopback; each student logs in with their own
password, a wrong one (or another student's) is refused; `down` leaves no hub or proxy."""

from __future__ import annotations

import csv
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from autograder import procs
from autograder.hub import server

pytestmark = [pytest.mark.hub, pytest.mark.slow]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[server.Status, dict, Path]]:
    folder = tmp_path_factory.mktemp("class")
    roster = folder / "roster.csv"
    roster.write_text("id\nkim\nlee\n")
    state = folder / "state"
    found = server.up(
        Path.cwd(), roster, teacher="park", port=_free_port(), state=state, echo=lambda _: None
    )
    try:
        with open(state / "passwords.csv", newline="") as fh:
            passwords = {r["id"]: r["password"] for r in csv.DictReader(fh)}
        yield found, passwords, state
    finally:
        server.down(state, echo=lambda _: None)


def _log_in(url: str, name: str, password: str) -> requests.Response:
    with requests.Session() as s:
        s.get(url + "hub/login", timeout=10)
        return s.post(
            url + "hub/login",
            data={"username": name, "password": password, "_xsrf": s.cookies.get("_xsrf", "")},
            allow_redirects=False,
            timeout=10,
        )


def test_the_hub_answers_on_loopback(hub) -> None:
    found, _, _ = hub
    assert found.running and found.url.startswith("http://127.0.0.1:"), found
    assert server.status(hub[2]).running, "status does not see the running hub"


def test_a_student_logs_in_with_their_own_password(hub) -> None:
    found, passwords, _ = hub
    reply = _log_in(found.url, "kim", passwords["kim"])
    assert reply.status_code == 302, (reply.status_code, reply.text[:300])


def test_a_wrong_password_is_refused(hub) -> None:
    found, passwords, _ = hub
    for name, password in (("kim", "wrong-password"), ("kim", passwords["lee"])):
        reply = _log_in(found.url, name, password)
        assert reply.status_code == 403, (name, reply.status_code, reply.text[:300])


def test_the_teacher_logs_in_as_admin(hub) -> None:
    found, passwords, _ = hub
    assert _log_in(found.url, "park", passwords["park"]).status_code == 302


def test_down_leaves_no_hub_and_no_proxy(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text("kim\n")
    state = tmp_path / "state"
    server.up(Path.cwd(), roster, teacher="park", port=_free_port(), state=state, echo=print)
    hub = procs.Process.from_record((state / server.RECORD).read_text())
    proxy = procs.Process(int((state / "proxy.pid").read_text()))
    assert hub is not None and hub.alive() and proxy.alive()
    assert server.down(state, echo=print)
    assert hub.wait_dead(10) and proxy.wait_dead(10), "a hub or proxy process is left"
    assert not server.status(state).running
