"""Each student's server on the class hub: JupyterLab as the student's own Unix user, beside an
engine of their own, both in a network namespace of the student's: two students publish the
same port, neither sees the other, the host's engine or the hub's secrets; a stopped server
comes back with its files and images."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from autograder.hub import server, student_engine, students
from autograder.hub.client import Hub, Server
from tests import nbgrader_course as ng

pytestmark = [pytest.mark.hub, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[1]
KIM, LEE = "test-kim", "test-lee"  # ids no real class would have (Unix users dcs-test-…)
WEB = (
    "!docker rm -f web > /dev/null 2>&1; docker run -d --name web -p 3000:3000 node:24-alpine "
    """node -e "require('http').createServer((q, r) => r.end('{who}')).listen(3000)" > /dev/null
import time, urllib.request
for _ in range(100):
    try:
        print(urllib.request.urlopen('http://127.0.0.1:3000', timeout=2).read().decode())
        break
    except OSError:
        time.sleep(0.1)
"""
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Hub, Path]]:
    folder = tmp_path_factory.mktemp("class")
    (folder / "roster.csv").write_text(f"id\n{KIM}\n{LEE}\n")
    state = folder / "state"
    found = server.up(
        ROOT, folder / "roster.csv", teacher="park", port=_free_port(), state=state,
        echo=lambda _: None,
    )  # fmt: skip
    try:
        yield Hub(found.url, server.api_token(state)), state
    finally:
        server.down(state, echo=lambda _: None)
        for student in (KIM, LEE):
            students.remove(student)


@pytest.fixture(scope="module")
def servers(hub) -> dict[str, tuple[Server, str]]:
    found = {}
    for student in (KIM, LEE):
        s = hub[0].start(student)
        found[student] = (s, s.kernel())
    return found


def test_each_student_runs_as_their_own_user_on_their_own_engine(servers) -> None:
    for student, (s, kernel) in servers.items():
        seen = s.run(
            kernel, "import getpass, os; print(getpass.getuser(), os.environ['DOCKER_HOST'])"
        )
        user, host = seen.split()
        assert user == f"dcs-{student}", seen
        assert f"/{student_engine.PREFIX}{student}/" in host, seen
        listed = s.run(kernel, "import docker; print(len(docker.from_env().images.list()))")
        assert int(listed) >= 2, f"{student}'s engine has no course images: {listed}"


def test_two_students_publish_the_same_port(servers) -> None:
    for student, (s, kernel) in servers.items():
        assert s.run(kernel, WEB.format(who=student)).strip() == student
    for student, (s, kernel) in servers.items():  # each still reaches their own
        again = "import urllib.request; print(urllib.request.urlopen('http://127.0.0.1:3000').read().decode())"
        assert s.run(kernel, again).strip() == student


def test_a_student_sees_nothing_of_the_others_or_the_host(servers, hub) -> None:
    _, state = hub
    s, kernel = servers[KIM]
    paths = [
        str(state),  # the hub's database, cookie secret, accounts, passwords
        "/var/run/docker.sock",  # the host's engine
        "/run/docker.sock",
        f"/var/tmp/dcourse/{student_engine.PREFIX}{LEE}",  # lee's disk: files, engine
        f"/run/dcourse/{student_engine.PREFIX}{LEE}",  # lee's engine socket (root's view)
        str(ROOT / "source"),  # the solutions
    ]
    probe = (
        "import json, os\n"
        f"paths = {paths!r}\n"
        "print(json.dumps({p: sorted(os.listdir(p)) if os.path.isdir(p) else os.path.exists(p)"
        " for p in paths}))"
    )
    seen = json.loads(s.run(kernel, probe))
    assert seen.pop(str(state)) == ["exchange", "lab-config"], f"kim sees the hub's state: {seen}"
    assert not any(seen.values()), f"kim sees what is not kim's: {seen}"
    ports = server.status(state).url.rsplit(":", 1)[1].strip("/")
    reach = f"""
import socket
for port in ({ports}, 22, 8001):
    try:
        socket.create_connection(('127.0.0.1', port), timeout=2).close()
        print(port, 'open')
    except OSError:
        print(port, 'closed')
"""
    assert "open" not in s.run(kernel, reach), "kim reaches a host port from the namespace"


def test_a_stopped_server_comes_back_with_its_files_and_images(servers, hub) -> None:
    h, _ = hub
    s, kernel = servers[LEE]
    s.run(
        kernel,
        "import docker, os\ndocker.from_env().images.get('busybox:1.37').tag('lee/keep', '1')\n"
        "open(os.path.expanduser('~/docker-course-lab/note.txt'), 'w').write('kept')",
    )
    h.stop(LEE)
    back = h.start(LEE)
    kernel = back.kernel()
    servers[LEE] = (back, kernel)
    seen = back.run(
        kernel,
        "import docker, os\nprint(docker.from_env().images.get('lee/keep:1').tags)\n"
        "print(open(os.path.expanduser('~/docker-course-lab/note.txt')).read())",
    )
    assert "lee/keep:1" in seen and "kept" in seen, seen


def test_a_students_server_and_engine_share_the_grading_limits(servers) -> None:
    """One cgroup per student holds the server, its kernels, the engine and its containers."""
    from autograder.grading import limits

    if limits.available() is not None:
        pytest.skip(f"no cgroup limits on this machine: {limits.available()}")
    s, kernel = servers[KIM]
    group = f"/{limits.GROUP}/{student_engine.PREFIX}{KIM}"
    seen = s.run(kernel, "print(open('/proc/self/cgroup').read())")
    assert f"memory:{group}" in seen, f"the kernel is not in {group}: {seen}"
    cap = (limits.ROOT / "memory" / group.lstrip("/") / "memory.limit_in_bytes").read_text()
    assert int(cap) == limits.DEFAULT.memory_mb * 1024 * 1024, cap


def test_the_exchange_carries_a_section_from_the_teacher_and_back(servers, hub) -> None:
    """The teacher releases 02; kim fetches it (the Assignments panel's request), solves it and
    submits; the teacher collects and grades: full marks, graded on a fresh engine."""
    import nbformat

    from autograder import demo, grade
    from autograder.hub import exchange

    _, state = hub
    section = "02-build-run"
    exchange.release_to_students(ROOT, state, section)
    s, kernel = servers[KIM]
    course = {"course_id": exchange.course_id(ROOT), "assignment_id": section}
    fetched = s.post("assignments/fetch", course)
    assert fetched.status_code == 200, (fetched.status_code, fetched.text[:800])
    assert fetched.json()["success"], fetched.text[:800]
    path = f"api/contents/{section}/{section}.ipynb"
    nb = nbformat.from_dict(s.get(path).json()["content"])
    demo._solve(nb, ROOT / "source" / section / f"{section}.ipynb")
    saved = s.put(path, {"type": "notebook", "format": "json", "content": nb})
    assert saved.status_code in (200, 201), saved.text[:300]
    submitted = s.post("assignments/submit", course)
    assert submitted.status_code == 200 and submitted.json()["success"], submitted.text[:500]

    impostor = s.run(  # kim also hands the section in under lee's name
        kernel,
        "import os, sys; os.chdir(os.path.expanduser('~/docker-course-lab'))\n"
        f"!{{sys.executable}} -m nbgrader submit {section} --course={course['course_id']} "
        f"--student={LEE} 2>&1 | tail -3",
    )
    said = exchange.collect(state, section, course=exchange.course_id(ROOT))
    course_dir = exchange.course_dir(state)
    assert (course_dir / "submitted" / KIM / section / f"{section}.ipynb").is_file(), said
    assert not (course_dir / "submitted" / LEE).exists(), f"kim submitted as lee: {said}"
    assert f"✗ set aside {LEE}+{section}" in said, (impostor, said)
    grade.main(course_dir, assignment=section, jobs=1, feedback=False, echo=lambda _: None)
    assert ng.submission_score(course_dir, KIM, section) == ng.max_points(section)
