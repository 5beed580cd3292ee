"""Small notebooks for the executor's tests, and the kernels this process has running."""

from __future__ import annotations

import json
import os
from collections.abc import Collection
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

from autograder import procs

KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}


def notebook(path: Path, *cells: str) -> Path:
    """``path`` written as a notebook of code ``cells`` for the python3 kernel."""
    nb = new_notebook(cells=[new_code_cell(source) for source in cells])
    nb.metadata["kernelspec"] = KERNELSPEC
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def printed(executed: Path) -> list[str]:
    """The stdout text of every cell of an executed notebook, in order."""
    nb = json.loads(executed.read_text())
    return [
        "".join(out.get("text", ""))  # a string, or a list of lines as papermill writes it
        for cell in nb["cells"]
        for out in cell.get("outputs", [])
        if out.get("output_type") == "stream" and out.get("name") == "stdout"
    ]


def running_kernels(besides: Collection[int] = ()) -> list[int]:
    """Pids of ipykernel processes below this test process, but those in ``besides`` (kernels
    that were running before the test: a session fixture's, such as a class hub's students)."""
    kernels = []
    for pid, _ in procs.descendants(os.getpid()):
        if pid in besides:
            continue
        try:
            argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"ipykernel_launcher" in argv:
            kernels.append(pid)
    return kernels
