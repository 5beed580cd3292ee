"""`docker-course class up`: the hub answers on loopback; each student logs in with their own
password, a wrong one (or another student's) is refused; `down` leaves no hub or proxy, and a
second class's hub leaves the first's student servers alone."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from autograder import procs
from autograder.hub import server
from tests.class_hub import KIM, LEE, TEACHER, ClassHub, free_port

pytestmark = [pytest.mark.hub, pytest.mark.slow]


def _log_in(url: str, name: str, password: str) -> requests.Response:
    with requests.Session() as s:
        s.get(url + "hub/login", timeout=10)
        return s.post(
            url + "hub/login",
            data={"username": name, "password": password, "_xsrf": s.cookies.get("_xsrf", "")},
            allow_redirects=False,
            timeout=10,
        )


def test_the_hub_answers_on_loopback(class_hub: ClassHub) -> None:
    found = server.status(class_hub.state)
    assert found.running, f"status does not see the running hub: {found}"
    assert found.url.startswith("http://127.0.0.1:"), found


def test_a_student_logs_in_with_their_own_password(class_hub: ClassHub) -> None:
    reply = _log_in(class_hub.url, KIM, class_hub.passwords[KIM])
    assert reply.status_code == 302, (reply.status_code, reply.text[:300])


def test_a_wrong_password_is_refused(class_hub: ClassHub) -> None:
    for password in ("wrong-password", class_hub.passwords[LEE]):
        reply = _log_in(class_hub.url, KIM, password)
        assert reply.status_code == 403, (password, reply.status_code, reply.text[:300])


def test_the_teacher_logs_in_as_admin(class_hub: ClassHub) -> None:
    assert _log_in(class_hub.url, TEACHER, class_hub.passwords[TEACHER]).status_code == 302


def test_down_leaves_no_hub_and_no_proxy(tmp_path: Path, class_servers) -> None:
    """A second class's hub (another state folder) starts and stops beside the session's:
    no process of its is left, and the session's students' servers keep running."""
    roster = tmp_path / "roster.csv"
    roster.write_text("kim\n")
    state = tmp_path / "state"
    server.up(Path.cwd(), roster, teacher="park", port=free_port(), state=state, echo=print)
    hub = procs.Process.from_record((state / server.RECORD).read_text())
    proxy = procs.Process(int((state / "proxy.pid").read_text()))
    assert hub is not None and hub.alive() and proxy.alive()
    assert server.down(state, echo=print)
    assert hub.wait_dead(10) and proxy.wait_dead(10), "a hub or proxy process is left"
    assert not server.status(state).running
    for student, (s, kernel) in class_servers.items():
        assert s.run(kernel, "print('still here')").strip() == "still here", student
