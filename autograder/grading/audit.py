"""Out-of-kernel audit: re-run a grade cell's state-based checks from the grader's process.

The student's kernel runs the grade cells, so a submission could monkeypatch ``require`` or the
checks and "pass" without the state. :class:`AuditedExecute` replaces nbgrader's ``Execute``
in the grading worker: right after each grade cell runs, it evaluates the checks of the
*teacher's* version of that cell (from ``source/``) in the nbgrader process, against the same
engine. If the kernel said pass and the audit says fail, it appends an error output to the
cell, so nbgrader scores it 0, and records why in a JSON report.

A check is auditable when its arguments only use literals, the notebook's ``parameters`` cell
and ``work`` (the work folder); checks of the student's variables (``Answer``, ``Computed``)
cannot be re-evaluated outside the kernel and are left to the kernel.
"""

from __future__ import annotations

import ast
import contextlib
import io
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import nbformat
from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import Execute
from traitlets import Unicode

from .. import checks, course
from .calls import CHECK_NAMES, SAFE_CALLS, check_calls


@dataclass
class CellAudit:
    grade_id: str
    kernel_passed: bool
    audited: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    skipped: int = 0

    @property
    def overruled(self) -> bool:
        return self.kernel_passed and bool(self.failures)


def _safe(expr: ast.expr, names: set[str]) -> bool:
    """Only literals, known names, attribute-free arithmetic on them and a few safe calls."""
    for node in ast.walk(expr):
        if isinstance(node, ast.Name) and node.id not in names | CHECK_NAMES | SAFE_CALLS:
            return False
        if isinstance(node, ast.Lambda | ast.Attribute | ast.Subscript | ast.NamedExpr):
            return False
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) not in (
            CHECK_NAMES | SAFE_CALLS
        ):
            return False
    return True


def parameters_of(nb: NotebookNode) -> dict[str, Any]:
    """Values of the teacher's ``parameters`` cell (literal assignments only)."""
    values: dict[str, Any] = {}
    for cell in nb.cells:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            for node in ast.parse(cell.source).body:
                if isinstance(node, ast.Assign) and len(node.targets) == 1:
                    with contextlib.suppress(ValueError):
                        values[getattr(node.targets[0], "id", "")] = ast.literal_eval(node.value)
    return values


def audit_cell(
    source: str, namespace: dict[str, Any], kernel_passed: bool, grade_id: str, dc=None
) -> CellAudit:
    result = CellAudit(grade_id, kernel_passed)
    names = set(namespace)
    env = {
        **{n: getattr(checks, n) for n in CHECK_NAMES},
        "Path": Path,
        "str": str,
        "int": int,
        "tuple": tuple,
        **namespace,
    }
    for call in check_calls(source):
        if not _safe(call, names):
            result.skipped += 1
            continue
        try:
            check = eval(
                compile(ast.Expression(call), "<audit>", "eval"), {"__builtins__": {}}, env
            )
        except Exception:  # not evaluable outside the kernel  # noqa: BLE001
            result.skipped += 1
            continue
        outcome = check(dc)
        result.audited.append(outcome.title)
        if not outcome.passed:
            result.failures.append(outcome.message)
    return result


class AuditedExecute(Execute):
    """nbgrader's Execute, plus an audit after every grade cell (see module docstring)."""

    source_notebook = Unicode("", help="The teacher's source notebook of this assignment.").tag(
        config=True
    )
    report_path = Unicode("", help="Where to write the audit report (JSON).").tag(config=True)

    def preprocess(self, nb, resources=None, km=None):
        teacher = nbformat.read(self.source_notebook, as_version=4)
        self._trusted = {
            c.metadata["nbgrader"]["grade_id"]: c.source
            for c in teacher.cells
            if c.get("metadata", {}).get("nbgrader", {}).get("grade") and c.cell_type == "code"
        }
        params = parameters_of(teacher)
        section = Path(self.source_notebook).parent.name
        self._namespace = {**params, "work": course.work_path(section, params.get("WORK_DIR"))}
        self._audits: list[CellAudit] = []
        try:
            return super().preprocess(nb, resources, km)
        finally:
            if self.report_path:
                Path(self.report_path).write_text(
                    json.dumps(
                        [asdict(a) | {"overruled": a.overruled} for a in self._audits],
                        ensure_ascii=False,
                        indent=1,
                    )
                )

    def on_cell_executed(self, **kwargs):
        super().on_cell_executed(**kwargs)
        cell = kwargs["cell"]
        meta = cell.get("metadata", {}).get("nbgrader", {})
        grade_id = meta.get("grade_id")
        if not meta.get("grade") or cell.cell_type != "code" or grade_id not in self._trusted:
            return
        passed = not any(o.get("output_type") == "error" for o in cell.get("outputs", []))
        # the checks print nothing, but keep the grader's own stderr clean regardless
        with contextlib.redirect_stderr(io.StringIO()):
            audit = audit_cell(self._trusted[grade_id], self._namespace, passed, grade_id)
        self._audits.append(audit)
        if audit.overruled:
            cell.outputs.append(
                nbformat.v4.new_output(
                    "error",
                    ename="AuditFailed",
                    evalue="커널은 통과라고 했지만 채점기가 엔진에서 다시 확인하니 실패: "
                    + audit.failures[0].splitlines()[0],
                    traceback=["AuditFailed: 커널 밖에서 다시 확인한 결과:", *audit.failures],
                )
            )
