"""A submission that hits a resource limit (memory, processes, disk: in its kernel or in a
container it starts) is stopped at once, scored 0 with the limit named; the others are
unaffected, and the host's disk is not what fills up."""

from pathlib import Path

import pytest

from autograder.grading import limits
from tests import nbgrader_course as ng

pytestmark = pytest.mark.sid_tree  # grades on the default engine (Docker 28, sid tree)

A = "01-concepts"
HOGS = {
    "kernel_forks": "import os\nwhile True:\n    os.fork()",
    "kernel_eats": "a = []\nwhile True:\n    a.append(bytearray(10**8))",
    "container_forks": "!docker run --rm busybox:1.37 sh -c 'f() { f | f & }; f; sleep 100'",
    "container_eats": (
        "!docker run --rm busybox:1.37 sh -c 'a=xxxxxxxxxx; while true; do a=$a$a; done'"
    ),
    "kernel_fills": (
        "with open(work / 'big', 'wb') as fh:\n    while True:\n        fh.write(bytes(64 * 2**20))"
    ),
    "container_fills": "!docker run busybox:1.37 dd if=/dev/zero of=/big bs=1M count=4000",
}
DISK_MB = 600  # the course images take ~110 MB of it
REASON = {
    "kernel_forks": "process limit",
    "kernel_eats": "memory limit",
    "container_forks": "process limit",
    "container_eats": "memory limit",
    "kernel_fills": "disk limit",
    "container_fills": "disk limit",
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    course = ng.make_course(tmp_path_factory.mktemp("limits") / "course", A)
    released = ng.released_notebook(course, A)
    for student, code in HOGS.items():
        ng.submit(course, A, student, ng.with_cells(released, {"task-image": code}))
    ng.submit(course, A, "perfect", ng.source_notebook(A))
    done = ng.grade(
        course, "-j", "2", "--no-feedback", "--time-limit", "150", "--disk-mb", str(DISK_MB)
    )
    assert done.returncode == 0, done.stdout + done.stderr[-2000:]
    rows = {line.split()[0]: line for line in done.stdout.splitlines() if line.strip()}
    assert not limits.leftovers() - _others(), f"cgroups left behind: {limits.leftovers()}"
    return rows


def _others() -> set[str]:
    """cgroups of engines that are still running (another test session)."""
    return {n for n in limits.leftovers() if (Path("/var/run/netns") / n).exists()}


@pytest.mark.parametrize("student", sorted(HOGS))
def test_hog_is_stopped_with_the_limit_named(graded: dict[str, str], student: str) -> None:
    row = graded[student]
    assert f" 0/{ng.max_points(A):g} " in row and REASON[student] in row, row


def test_honest_submission_keeps_full_marks(graded: dict[str, str]) -> None:
    full = f"{ng.max_points(A):g}"
    assert f"{full}/{full}" in graded["perfect"], graded["perfect"]
