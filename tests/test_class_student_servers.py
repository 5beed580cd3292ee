"""Each student's server on the class hub: JupyterLab as the student's own Unix user, beside an
engine of their own, both in a network namespace of the student's: two students publish the
same port, neither sees the other, the host's engine or the hub's secrets; a culled server
comes back with its files and images."""

from __future__ import annotations

import asyncio
import json
import logging
from concurrent.futures import ThreadPoolExecutor

import pytest

from autograder.hub import server, student_engine
from tests.class_hub import KIM, LEE, ROOT

pytestmark = [pytest.mark.hub, pytest.mark.slow]
WEB = (  # port 3100: the browser test's hello1 may hold 3000 already
    "!docker rm -f web > /dev/null 2>&1; docker run -d --name web -p 3100:3000 node:24-alpine "
    """node -e "require('http').createServer((q, r) => r.end('{who}')).listen(3000)" > /dev/null
import time, urllib.request
for _ in range(100):
    try:
        print(urllib.request.urlopen('http://127.0.0.1:3100', timeout=2).read().decode())
        break
    except OSError:
        time.sleep(0.1)
"""
)


def test_each_student_runs_as_their_own_user_on_their_own_engine(class_servers) -> None:
    for student, (s, kernel) in class_servers.items():
        seen = s.run(
            kernel, "import getpass, os; print(getpass.getuser(), os.environ['DOCKER_HOST'])"
        )
        user, host = seen.split()
        assert user == f"dcs-{student}", seen
        assert f"/{student_engine.PREFIX}{student}/" in host, seen
        listed = s.run(kernel, "import docker; print(len(docker.from_env().images.list()))")
        assert int(listed) >= 2, f"{student}'s engine has no course images: {listed}"


def test_two_students_publish_the_same_port(class_servers) -> None:
    for student, (s, kernel) in class_servers.items():
        assert s.run(kernel, WEB.format(who=student)).strip() == student
    for student, (s, kernel) in class_servers.items():  # each still reaches their own
        again = "import urllib.request; print(urllib.request.urlopen('http://127.0.0.1:3100').read().decode())"
        assert s.run(kernel, again).strip() == student


def test_a_student_sees_nothing_of_the_others_or_the_host(class_servers, class_hub) -> None:
    state = class_hub.state
    s, kernel = class_servers[KIM]
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


def test_a_culled_server_comes_back_with_its_files_and_images(class_servers, class_hub) -> None:
    """jupyterhub-idle-culler, run once with no idle time allowed, stops lee's server (and
    engine); lee starts it again and finds the work folder and the engine's images."""
    from jupyterhub_idle_culler import cull_idle, default_cull_arbiter

    h = class_hub.hub
    s, kernel = class_servers[LEE]
    s.run(
        kernel,
        "import docker, os\ndocker.from_env().images.get('busybox:1.37').tag('lee/keep', '1')\n"
        "open(os.path.expanduser('~/docker-course-lab/note.txt'), 'w').write('kept')",
    )

    def only_lee(*, server: dict, **seen) -> bool:  # kim's server is in use by other tests
        return f"/user/{LEE}/" in server.get("url", "") and default_cull_arbiter(
            server=server, **seen
        )

    cull = cull_idle(
        h.api, h.token, inactive_limit=0, logger=logging.getLogger("culler"),
        cull_arbiter=only_lee,
    )  # fmt: skip
    with ThreadPoolExecutor(1) as pool:  # a loop of its own: Playwright's may run in this one
        pool.submit(asyncio.run, cull).result(timeout=120)
    h.wait_stopped(LEE)  # the culler asked; the hub stops the server and then its engine
    back = h.start(LEE)
    kernel = back.kernel()
    class_servers[LEE] = (back, kernel)
    seen = back.run(
        kernel,
        "import docker, os\nprint(docker.from_env().images.get('lee/keep:1').tags)\n"
        "print(open(os.path.expanduser('~/docker-course-lab/note.txt')).read())",
    )
    assert "lee/keep:1" in seen and "kept" in seen, seen


def test_a_students_server_and_engine_share_the_grading_limits(class_servers) -> None:
    """One cgroup per student holds the server, its kernels, the engine and its containers."""
    from autograder.grading import limits

    if limits.available() is not None:
        pytest.skip(f"no cgroup limits on this machine: {limits.available()}")
    s, kernel = class_servers[KIM]
    group = f"/{limits.GROUP}/{student_engine.PREFIX}{KIM}"
    seen = s.run(kernel, "print(open('/proc/self/cgroup').read())")
    assert f"memory:{group}" in seen, f"the kernel is not in {group}: {seen}"
    cap = (limits.ROOT / "memory" / group.lstrip("/") / "memory.limit_in_bytes").read_text()
    assert int(cap) == limits.DEFAULT.memory_mb * 1024 * 1024, cap
