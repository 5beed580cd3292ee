"""A kernel that died after it was started for a notebook, before the notebook ran, is
replaced: the notebook runs on a new kernel and passes."""

from pathlib import Path

from autograder import execute
from tests.executor_notebooks import notebook, printed


def test_a_kernel_killed_before_use_is_replaced(tmp_path: Path) -> None:
    nb = notebook(tmp_path / "in" / "pid.ipynb", "import os\nprint(os.getpid())")
    with execute.Executor(tmp_path / "out") as ex:
        prepared = ex.prepare(nb)
        kernel = prepared.result().kernel.result()
        killed = kernel.process.pid
        kernel.process.kill()
        kernel.process.wait(timeout=30)
        outcome = ex.run(prepared)
    assert outcome.ok, outcome.error
    assert kernel.replaced == 1, f"replaced {kernel.replaced} times"
    ran_on = int("".join(printed(outcome.output)))
    assert ran_on != killed, f"the notebook ran on the killed kernel {killed}"
