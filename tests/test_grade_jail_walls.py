"""A graded submission cannot read or write what is not its own, even through its engine.

One run of `docker-course grade -j 2` per rootless engine (rootless engine + jailed kernel:
Docker 28 from a Debian sid tree, the default, and Debian's Docker 20.10) with two perfect
submissions; one of them also runs a probe that knows every secret path (the course's source/
and gradebook, the other student's submission, the repo's source/, /etc/shadow) and tries to
read and write them from the kernel and from a container that mounts the host's `/`, to reach
the host's Docker socket, to mount the host disk from a --privileged container, to signal
nbgrader and to reach the internet. It prints what it saw; the test reads that output from the
autograded notebook and checks the host afterwards.

The control: the same probe (reads only) on root engines (`--backend private`) does see the
secrets, so these tests fail the day the jail stops working.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from autograder import jail
from autograder.rootless_engine import OFFLINE_PROXY
from tests import nbgrader_course as ng

pytestmark = pytest.mark.sid_tree  # grades on the default engine (Docker 28, sid tree)

A = "01-concepts"
MARK = "JAIL-PROBE "

PROBE = """
import json, os, socket
import docker

PATHS = json.loads({paths!r})
seen = {{"uid": os.getuid(), "euid": os.geteuid(), "read": {{}}, "write": {{}}}}
for key, path in PATHS["read"].items():
    try:
        with open(path, "rb") as fh:
            fh.read(64)
        seen["read"][key] = "read"
    except Exception as exc:
        seen["read"][key] = type(exc).__name__
for key, path in PATHS["write"].items():
    try:
        with open(path, "w") as fh:
            fh.write("pwned")
        seen["write"][key] = "written"
    except Exception as exc:
        seen["write"][key] = type(exc).__name__
seen["host_socket"] = [p for p in ("/var/run/docker.sock", "/run/docker.sock") if os.path.exists(p)]
try:
    docker.DockerClient(base_url="unix:///var/run/docker.sock").containers.list()
    seen["host_engine"] = "answered"
except Exception as exc:
    seen["host_engine"] = type(exc).__name__

_dc = docker.from_env()
def _in_container(cmd, **kw):
    try:
        out = _dc.containers.run("busybox:1.37", ["sh", "-c", cmd], remove=True, **kw)
        return out.decode().strip()
    except Exception as exc:
        return type(exc).__name__ + ": " + str(exc)[:160]
_root = {{"/": {{"bind": "/host", "mode": "rw"}}}}
_read = "cat '/host{{}}' >/dev/null 2>&1 && echo read || echo denied"
_write = "echo pwned > '/host{{}}' 2>/dev/null && echo written || echo denied"
seen["container_read"] = {{
    k: _in_container(_read.format(p), volumes=_root) for k, p in PATHS["read"].items()
}}
seen["container_write"] = {{
    k: _in_container(_write.format(p), volumes=_root) for k, p in PATHS["write"].items()
}}
seen["container_ls_root"] = _in_container("ls /host", volumes=_root).split()
seen["privileged_mount"] = "not tried" if not PATHS["write"] else _in_container(
    "mkdir -p /m; for d in /dev/[svx]d[a-z] /dev/nvme[0-9]n1; do "
    "[ -e $d ] && mount $d /m 2>/dev/null && echo mounted $d; done; echo done",
    privileged=True,
)
seen["pull"] = "not tried"
if PATHS["write"]:
    try:
        _dc.images.pull("docker-course-test/not-in-the-bundle", tag="1")
        seen["pull"] = "pulled"
    except Exception as exc:
        seen["pull"] = str(exc)[:300]
try:
    if os.getppid() == 0:  # its parent is outside this pid namespace: nothing to name
        raise ProcessLookupError("nbgrader is in another pid namespace")
    os.kill(os.getppid(), 0)
    seen["signal_nbgrader"] = "allowed"
except Exception as exc:
    seen["signal_nbgrader"] = type(exc).__name__
try:
    socket.create_connection(("151.101.0.223", 443), timeout=3).close()
    seen["internet"] = "connected"
except Exception as exc:
    seen["internet"] = type(exc).__name__
print({mark!r} + json.dumps(seen))
"""


def _probe(course: Path, backend: str, *, attack: bool) -> dict:
    """Grade a victim and a prober on ``backend``; what the probe saw (``attack``: also write)."""
    ng.make_course(course, A)
    ng.submit(course, A, "victim", ng.source_notebook(A))
    paths = {
        "read": {
            "course_source": str(course / "source" / A / f"{A}.ipynb"),
            "gradebook": str(course / "gradebook.db"),
            "other_submission": str(course / "submitted" / "victim" / A / f"{A}.ipynb"),
            "repo_source": str(ng.ROOT / "source" / A / f"{A}.ipynb"),
            "shadow": "/etc/shadow",
        },
        "write": {
            "course_folder": str(course / "pwned"),
            "other_submission": str(course / "submitted" / "victim" / A / "pwned"),
            "repo_source": str(ng.ROOT / "source" / "pwned"),
            "etc": "/etc/dcourse-pwned",
            "host_tmp": "/var/tmp/dcourse-pwned",
        }
        if attack
        else {},
    }
    nb = nbformat.from_dict(ng.source_notebook(A))
    probe = PROBE.format(paths=json.dumps(paths), mark=MARK)
    nb.cells.append(nbformat.v4.new_code_cell(probe))
    ng.submit(course, A, "prober", nb)
    done = ng.grade(course, "-j", "2", "--backend", backend, "--no-feedback")
    assert done.returncode == 0, f"grade failed:\n{done.stdout}\n{done.stderr[-3000:]}"
    engine_named = {"rootless-modern": "from a Debian sid tree)", "rootless": "rootless engine"}
    named = engine_named.get(backend, backend)
    assert named in done.stdout, f"not graded on {backend} engines ({named!r}):\n{done.stdout}"
    graded = nbformat.read(course / "autograded" / "prober" / A / f"{A}.ipynb", as_version=4)
    texts = [o.get("text", "") for c in graded.cells for o in c.get("outputs", [])]
    lines = [line for t in texts for line in t.splitlines() if line.startswith(MARK)]
    assert lines, f"the probe printed nothing; outputs: {[t[:200] for t in texts if t]}"
    return {"paths": paths, "seen": json.loads(lines[-1][len(MARK) :])}


@pytest.fixture(scope="module", params=["rootless-modern", "rootless"])
def probed(request, tmp_path_factory) -> tuple[Path, dict]:
    """Every wall on both rootless engines: Docker 28 from the sid tree (the default) and
    Debian's Docker 20.10 (still selectable)."""
    assert jail.why_unavailable() is None, f"no jail on this machine: {jail.why_unavailable()}"
    course = tmp_path_factory.mktemp(f"jailed-{request.param}") / "course"
    return course, _probe(course, request.param, attack=True)


def test_the_probe_sees_through_root_engines(tmp_path: Path) -> None:
    """Control: without the jail, the same probe reads the secrets (so it can fail)."""
    seen = _probe(tmp_path / "course", "private", attack=False)["seen"]
    assert seen["uid"] == 0, seen
    assert seen["read"]["course_source"] == "read", seen["read"]
    assert seen["container_read"]["other_submission"] == "read", seen["container_read"]


def test_kernel_is_not_root(probed) -> None:
    seen = probed[1]["seen"]
    assert seen["uid"] != 0 and seen["euid"] != 0, f"kernel ran as uid {seen['uid']}"


def test_kernel_reads_no_secret(probed) -> None:
    read = probed[1]["seen"]["read"]
    assert "read" not in read.values(), f"the kernel read: {read}"


def test_container_with_host_root_reads_no_secret(probed) -> None:
    seen = probed[1]["seen"]
    assert all(v == "denied" for v in seen["container_read"].values()), seen["container_read"]
    listing = seen["container_ls_root"]
    assert "usr" in listing, f"`ls /host` did not run in the container: {listing}"


def test_nothing_written_outside(probed) -> None:
    seen, paths = probed[1]["seen"], probed[1]["paths"]
    # /var/tmp is the jail's own tmpfs, and the rootless engine copies /etc into a tmpfs of its
    # own: writing there may succeed; reaching the host's files may not
    private = {"host_tmp", "etc"}
    outside = {k: v for k, v in seen["write"].items() if k not in private}
    assert "written" not in outside.values(), f"the kernel wrote: {outside}"
    by_container = {k: v for k, v in seen["container_write"].items() if k not in private}
    assert "written" not in by_container.values(), f"a container wrote: {by_container}"
    on_host = [p for p in paths["write"].values() if Path(p).exists()]
    assert not on_host, f"files left on the host: {on_host}"


def test_no_host_engine_privileged_mount_or_internet(probed) -> None:
    seen = probed[1]["seen"]
    assert seen["host_socket"] == [], f"host socket visible: {seen['host_socket']}"
    assert seen["host_engine"] != "answered"
    assert "mounted" not in seen["privileged_mount"], seen["privileged_mount"]
    assert seen["signal_nbgrader"] in ("PermissionError", "ProcessLookupError"), seen
    assert seen["internet"] != "connected"


def test_a_pull_is_refused_at_once_not_after_a_dns_timeout(probed) -> None:
    """The engine has no route out: a pull fails on the closed loopback proxy, not on a DNS
    lookup that waits for its timeout (20-25 s per pull on slirp4netns)."""
    pulled = probed[1]["seen"]["pull"]
    assert OFFLINE_PROXY.removeprefix("http://") in pulled, f"the pull said: {pulled}"
    assert "lookup" not in pulled, f"the pull waited on DNS: {pulled}"


def test_honest_work_still_counts(probed) -> None:
    course = probed[0]
    scores = {s: ng.submission_score(course, s, A) for s in ("victim", "prober")}
    full = ng.max_points(A)
    assert scores == {"victim": full, "prober": full}, scores
