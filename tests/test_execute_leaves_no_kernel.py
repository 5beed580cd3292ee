"""No kernel outlives `execute`: not after it returns, and not when it stops on an exception
while the next notebook (one that would run for an hour) is running on its kernel."""

from pathlib import Path

import pytest

from autograder import execute
from tests.executor_notebooks import notebook, running_kernels


@pytest.fixture
def three(tmp_path: Path) -> list[Path]:
    return [notebook(tmp_path / "in" / f"{n}.ipynb", f"print({n})") for n in range(3)]


def test_no_kernel_after_execute_returns(three: list[Path], tmp_path: Path) -> None:
    before = running_kernels()  # the session's other fixtures' (a class hub's students)
    outcomes = execute.main(three, output=tmp_path / "out", report=lambda _: None)
    assert all(o.ok for o in outcomes), [o.error for o in outcomes]
    assert running_kernels(besides=before) == [], f"left running: {running_kernels(before)}"


def test_no_kernel_after_an_exception(tmp_path: Path) -> None:
    first = notebook(tmp_path / "in" / "a.ipynb", "print('done')")
    long = notebook(tmp_path / "in" / "b.ipynb", "import time\ntime.sleep(3600)")
    last = notebook(tmp_path / "in" / "c.ipynb", "print('never')")

    class Stop(Exception):
        pass

    def report(line: str) -> None:
        if line.startswith("[1/"):  # the second notebook's kernel was started by now
            raise Stop(line)

    before = running_kernels()  # the session's other fixtures' (a class hub's students)
    with pytest.raises(Stop):
        execute.main([first, long, last], output=tmp_path / "out", report=report)
    assert running_kernels(besides=before) == [], f"left running: {running_kernels(before)}"
