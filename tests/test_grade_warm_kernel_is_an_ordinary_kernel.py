"""On a rootless engine and its jail, nbgrader grades in the kernel started ahead, and that
kernel is the one an ordinary start gives: the grading user (not root), the same environment,
working folder, parent (outside its pid namespace), cgroups (the lease's limits) and open
files, but for the names of its own engine and user; and the submission is graded the same."""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path

import nbformat
import pytest

from autograder import grade
from autograder.grading import backends, worker
from autograder.grading.limits import DEFAULT
from tests import nbgrader_course as ng

A = "07-review"
MARK = "KERNEL-FACTS "
PROBE = f"""
import json, os
_files = {{}}
for _fd in os.listdir("/proc/self/fd"):
    try:
        _files[_fd] = os.readlink(f"/proc/self/fd/{{_fd}}")
    except OSError:
        pass
print({MARK!r} + json.dumps({{
    "uid": os.getuid(), "gid": os.getgid(), "groups": os.getgroups(), "ppid": os.getppid(),
    "cwd": os.getcwd(), "env": dict(os.environ), "cgroups": open("/proc/self/cgroup").read(),
    "files": sorted(p for p in _files.values() if p.startswith("/")),
}}))
"""


def _alias(value, names: dict[str, str], ids: set[int]):
    """``value`` with its engine's and user's names, and their ids, replaced by aliases."""
    if isinstance(value, dict):
        return {k: _alias(v, names, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [_alias(v, names, ids) for v in value]
    if isinstance(value, int) and value in ids:
        return "ID"
    if isinstance(value, str):
        for real, alias in names.items():
            value = value.replace(real, alias)
        return re.sub(rf"\b({'|'.join(map(str, ids))})\b", "ID", value)
    return value


def _graded(course: Path, backend: backends.PrivateBackend, scratch: Path) -> dict:
    outcome = worker.grade_one(
        course,
        worker.Job("prober", A),
        scratch,
        backend.lease,
        time_limit=600,
        lock=threading.Lock(),
    )
    assert outcome.status == "graded", f"{outcome.status}: {outcome.problems}"
    nb = nbformat.read(outcome.autograded / f"{A}.ipynb", as_version=4)
    texts = [o.get("text", "") for c in nb.cells for o in c.get("outputs", [])]
    lines = [ln for t in texts for ln in t.splitlines() if ln.startswith(MARK)]
    assert lines, "the probe printed nothing"
    facts = json.loads(lines[-1][len(MARK) :])
    facts["env"].pop("JPY_PARENT_PID", None)  # the pid of whoever launched it (jupyter_client)
    spec = json.loads(facts["env"]["DOCKER_COURSE_JAIL"])
    name, (user, uid, gid, subid) = spec["name"], spec["user"]
    facts = _alias(facts, {name: "ENGINE", user: "USER"}, {uid, gid, subid})
    log = (scratch / "autograde.log").read_text(errors="replace")
    audits = [(a["grade_id"], a["kernel_passed"], a["failures"]) for a in outcome.audits]
    return {"facts": facts, "adopted": "Adopted the kernel started ahead" in log,
            "uid": uid, "audits": audits}  # fmt: skip


def test_adopted_kernel_equals_ordinary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    course = ng.make_course(tmp_path / "course", A)
    nb = ng.source_notebook(A)
    nb.cells.append(nbformat.v4.new_code_cell(PROBE))
    ng.submit(course, A, "prober", nb)
    with grade.open_backend("rootless-modern", DEFAULT, lambda _: None, reap_first=False) as b:
        assert isinstance(b, backends.RootlessBackend), f"not a rootless backend: {b.name}"
        b.expect(1, at_once=1)  # its engine and kernel start ahead, as in `grade`
        warm = _graded(course, b, tmp_path / "warm")
        monkeypatch.setattr(backends.RootlessBackend, "_start_kernel", lambda *_: None)
        ordinary = _graded(course, b, tmp_path / "ordinary")
    assert warm["adopted"] and not ordinary["adopted"], "not one adopted and one started kernel"
    assert warm["uid"] != 0 and warm["facts"]["uid"] == "ID", f"kernel ran as {warm['facts']}"
    got, want = warm["facts"], ordinary["facts"]
    diff = {k: (got[k], want[k]) for k in got if got[k] != want[k]}
    if "env" in diff:
        e1, e2 = diff.pop("env")
        diff["env"] = {k: (e1.get(k), e2.get(k)) for k in e1 | e2 if e1.get(k) != e2.get(k)}
    assert not diff, f"adopted vs ordinary kernel: {diff}"
    assert warm["audits"] == ordinary["audits"], "the same submission was graded differently"
