"""Engine-free helpers for kernels started ahead (``autograder.grading.warm_kernel``).

The test process plays the grader: it starts a plain kernel (no jail) as a lease's kernel is
started, and runs "nbgrader" as a process of its own, as the launcher forks it: a child of
the test, so the kernel is not its child, exactly as in grading. That process runs notebooks
with nbgrader's kernel manager and the hand-over in its environment, and writes what it saw.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from autograder.grading import warm_kernel

WAIT = 120  # s: a bound on a kernel start or a notebook, never a pass/fail by speed

NOTEBOOKS = r"""
import json, os, sys
import nbformat
from nbclient import NotebookClient
from traitlets.config import Config

# a graceful exit is awaited up to this bound (jupyter_client's 5 s sends SIGTERM after 2.5 s,
# which a loaded 2-core CI overran): the adoption tests are not about speed
config = Config({"KernelManager": {"shutdown_wait_time": 120.0}})

plan = json.load(open(sys.argv[1]))
seen = {"nbgrader": os.getpid(), "notebooks": []}
for cells in plan:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    NotebookClient(nb, kernel_manager_class=
                   "autograder.grading.kernel_manager.JailedKernelManager",
                   timeout=60, startup_timeout=60, allow_errors=True, config=config).execute()
    seen["notebooks"].append(["".join(o.get("text", "") for o in c.outputs) for c in nb.cells])
json.dump(seen, open(sys.argv[2], "w"))
"""

#: the kernel's own facts, printed as JSON by a notebook cell
FACTS = "import json, os; print(json.dumps({'pid': os.getpid(), 'ppid': os.getppid(), " \
    "'env': dict(os.environ)}))"  # fmt: skip


def start(tmp_path: Path, env: dict[str, str]) -> warm_kernel.WarmKernel:
    """A kernel started ahead with ``env``, its connection file in ``tmp_path``."""
    folder = tmp_path / "run"
    folder.mkdir(mode=0o700, exist_ok=True)
    return warm_kernel.start(env, folder=folder)


def base_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != warm_kernel.ENV}


def run_as_nbgrader(
    tmp_path: Path,
    notebooks: object,
    *,
    env: dict[str, str],
    handover: str | None,
    script: str = NOTEBOOKS,
) -> dict:
    """Run ``notebooks`` (lists of cell sources) one after another in one "nbgrader" process
    whose environment is ``env`` plus the hand-over; what it saw (see ``NOTEBOOKS``). Another
    ``script`` gets ``notebooks`` as its plan (JSON)."""
    plan, out = tmp_path / "plan.json", tmp_path / "seen.json"
    plan.write_text(json.dumps(notebooks))
    out.unlink(missing_ok=True)
    extra = {warm_kernel.ENV: handover} if handover else {}
    done = subprocess.run(
        [sys.executable, "-c", script, str(plan), str(out)],
        env={**env, **extra},
        capture_output=True,
        text=True,
        timeout=WAIT * (len(notebooks) + 1),
        check=False,
    )
    assert done.returncode == 0 and out.exists(), f"nbgrader's stand-in failed:\n{done.stderr}"
    seen = json.loads(out.read_text())
    seen["log"] = done.stderr
    return seen


def facts(cell_output: str) -> dict:
    """The JSON a ``FACTS`` cell printed."""
    return json.loads(cell_output.strip().splitlines()[-1])
