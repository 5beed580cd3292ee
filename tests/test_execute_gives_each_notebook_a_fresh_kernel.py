"""Each notebook runs on a kernel of its own: a global the first notebook set is unknown to
the second, the kernels are different processes, each runs in its notebook's copy, and the
modules a kernel imported ahead of its turn left no name and no count behind."""

import json
from pathlib import Path

from autograder import execute
from tests.executor_notebooks import notebook, printed

FIRST = """import os
LEFT_BEHIND = 1
print(os.getpid(), os.getcwd(), os.environ["DOCKER_COURSE_WORK"])"""
SECOND = """import os
print(os.getpid(), "LEFT_BEHIND" in globals(), "autograder" in globals(), len(In))"""


def test_the_second_notebook_does_not_see_the_first_ones_global(tmp_path: Path) -> None:
    first = notebook(tmp_path / "in" / "first.ipynb", FIRST)
    second = notebook(tmp_path / "in" / "second.ipynb", SECOND)
    out = tmp_path / "out"
    a, b = execute.main([first, second], output=out, report=lambda _: None)
    assert a.ok and b.ok, (a.error, b.error)
    pid_a, cwd, work = "".join(printed(a.output)).split()
    pid_b, left, preloaded, history = "".join(printed(b.output)).split()
    assert left == "False", "the second notebook saw LEFT_BEHIND from the first"
    assert pid_a != pid_b, f"both notebooks ran on kernel {pid_a}"
    assert cwd == str(out / "in" / "first"), f"kernel cwd {cwd}, not the notebook's copy"
    assert work == str(out / "in" / "first" / "work"), f"DOCKER_COURSE_WORK was {work}"
    assert (preloaded, history) == ("False", "2"), f"names/history before: {preloaded} {history}"
    counts = [c["execution_count"] for c in json.loads(b.output.read_text())["cells"]]
    assert counts == [1], f"execution counts {counts}: the kernel had run code before"
