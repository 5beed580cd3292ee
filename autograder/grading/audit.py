"""Out-of-kernel audit: re-run a grade cell's state-based checks from the grader's process.

The student's kernel runs the grade cells, so a submission could monkeypatch ``require`` or the
checks and "pass" without the state. :class:`AuditedExecute` replaces nbgrader's ``Execute``
in the grading worker: right after each grade cell runs, it evaluates the checks of the
*teacher's* version of that cell (from ``source/``) in the nbgrader process, against the same
engine. If the kernel said pass and the audit says fail, it appends an error output to the
cell, so nbgrader scores it 0, and records why in a JSON report.

A check is auditable when its arguments only use literals, the notebook's ``parameters`` cell,
``work`` (the work folder) and student variables whose values are plain Python literals
(``Answer("q1", q1, …)``, ``Computed("image_id", image_id, …)``): those values are read from
the kernel *before* the grade cell runs (``user_expressions``), because the cell itself carries
the hidden answers, which a kernel could read on the way in. An ``Answer``/``Computed`` whose
variable cannot be read as a literal fails the audit; other checks that use kernel objects
(``client.containers.get(…)``) or names the cell assigns are left to the kernel.

Hidden tests never reach the kernel when the grader can run them all itself: a grade cell
whose hidden part is only ``require(...)`` of auditable checks (literals, parameters, ``work``,
and student values read as literals) is sent to the kernel without it, and the grader runs the
hidden checks against the engine; a failure becomes the cell's error, as ``require`` would
have raised it. A kernel then cannot read the hidden answers or create just the state the hidden
checks look at (an input transformer sees every cell it is sent). Other cells keep their hidden
part in the kernel, and the audit re-runs it, as above.

Two nbgrader details a kernel could use to keep the points anyway are closed here too: grade
cells run with the teacher's tags (a ``skip-execution`` tag would skip the cell: no error, full
points), and in a grade cell with an error the error outputs come first (nbgrader scores the
first ``execute_result`` as partial credit and stops looking, so an error after it was ignored).
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import io
import json
import re
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from queue import Empty
from typing import Any

import nbformat
from jupyter_core.utils import ensure_async
from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import Execute
from traitlets import Unicode

from .. import checks, course
from ..checks.base import fail
from .calls import CHECK_NAMES, check_calls

#: checks of the student's values, audited with the values read from the kernel
VALUE_CHECKS = {"Answer", "Computed", "ValueFromLayer", "ConfigBytes"}
AUDITED = CHECK_NAMES | VALUE_CHECKS
#: what the teacher's check arguments may use in the grader (on plain data only)
_SAFE_BUILTINS = (
    "str int float bool tuple list set frozenset dict len sorted next isinstance min max sum any"
    " all"
)
SAFE = {name: getattr(builtins, name) for name in _SAFE_BUILTINS.split()} | {"Path": Path}
FETCH_TIMEOUT = 30.0  # seconds the kernel gets to hand over the values
MAX_REPR = 1 << 20  # characters of one value's repr


@dataclass(frozen=True)
class Unreadable:
    """A kernel value the audit could not read as a Python literal (and why)."""

    reason: str


@dataclass
class CellAudit:
    grade_id: str
    kernel_passed: bool
    audited: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    skipped: int = 0
    hidden_outside: bool = False  # the hidden checks ran here only (the kernel never saw them)
    hidden_failures: list[str] = field(default_factory=list)

    @property
    def overruled(self) -> bool:
        return self.kernel_passed and bool(self.failures)


HIDDEN = re.compile(
    r"^[ \t]*### BEGIN HIDDEN TESTS[^\n]*\n.*?^[ \t]*### END HIDDEN TESTS[^\n]*(\n|\Z)", re.S | re.M
)


def split_hidden(source: str) -> tuple[str, str]:
    """(what the student sees of a grade cell, its hidden tests)."""
    return HIDDEN.sub("", source), "".join(m.group(0) for m in HIDDEN.finditer(source))


def hidden_outside(source: str, namespace: dict[str, Any]) -> bool:
    """True when the grader can run every hidden test of ``source`` itself: each statement is
    ``require(<check>, …)`` of checks whose arguments need nothing from the kernel but
    student values read as literals (``Answer``/``Computed``)."""
    _, hidden = split_hidden(source)
    try:
        tree = ast.parse(hidden)
    except SyntaxError:
        return False
    if not tree.body:
        return False
    local = _assigned(source)
    for stmt in tree.body:
        call = stmt.value if isinstance(stmt, ast.Expr) else None
        if not (isinstance(call, ast.Call) and getattr(call.func, "id", None) == "require"):
            return False
        if call.keywords or not call.args:
            return False
        for arg in call.args:
            name = getattr(arg, "func", None) and getattr(arg.func, "id", None)
            if not (isinstance(arg, ast.Call) and name in AUDITED):
                return False
            free = _free_names(arg) - set(namespace) - AUDITED - SAFE.keys()
            value = _value_arg(arg) if name in VALUE_CHECKS else None
            # the student's value, read as a literal before the cell runs, and nothing else
            student = {value.id} if isinstance(value, ast.Name) else set()
            if free - student or student & local:
                return False
    return True


def _free_names(expr: ast.AST) -> set[str]:
    """Names ``expr`` reads but does not bind itself (lambda arguments, comprehension targets)."""
    bound, read = set(), set()
    for node in ast.walk(expr):
        if isinstance(node, ast.Lambda):
            a = node.args
            bound |= {x.arg for x in (*a.posonlyargs, *a.args, *a.kwonlyargs)}
            bound |= {x.arg for x in (a.vararg, a.kwarg) if x is not None}
        elif isinstance(node, ast.Name):
            (read if isinstance(node.ctx, ast.Load) else bound).add(node.id)
    return read - bound


def _assigned(source: str) -> set[str]:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    return {
        n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)
    }


def kernel_names(source: str, namespace: dict[str, Any]) -> set[str]:
    """The student's variables the checks of a grade cell read (not ones the cell assigns)."""
    local = _assigned(source)
    wanted: set[str] = set()
    for call in check_calls(source, AUDITED):
        free = _free_names(call) - set(namespace) - AUDITED - SAFE.keys()
        if not free & local:
            wanted |= free
    return wanted


def literal(reply: dict) -> Any:
    """A value from a ``user_expressions`` reply of ``repr(name)``, or :class:`Unreadable`."""
    if reply.get("status") != "ok":
        return Unreadable(f"{reply.get('ename', '?')}: {reply.get('evalue', '')}"[:200])
    text = reply.get("data", {}).get("text/plain", "")
    if len(text) > MAX_REPR:
        return Unreadable(f"값이 너무 큼 ({len(text)} 글자)")
    try:
        shown = ast.literal_eval(text)  # IPython shows the repr() string as a str literal
        return ast.literal_eval(shown)
    except Exception:  # not a literal: an object, a fake, too deep  # noqa: BLE001
        return Unreadable(f"파이썬 리터럴이 아님: {text[:80]}")


def _value_arg(call: ast.Call) -> ast.expr | None:
    if len(call.args) > 1:
        return call.args[1]
    return next((k.value for k in call.keywords if k.arg == "value"), None)


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
    source: str,
    namespace: dict[str, Any],
    kernel_passed: bool,
    grade_id: str,
    dc=None,
    kernel: dict[str, Any] | None = None,
) -> CellAudit:
    """Evaluate the checks of ``source`` here; ``kernel``: the student's values (or
    :class:`Unreadable`) read before the cell ran."""
    result = CellAudit(grade_id, kernel_passed)
    kernel = kernel or {}
    env = {**{n: getattr(checks, n) for n in AUDITED}, **SAFE, **namespace}
    for call in check_calls(source, AUDITED):
        free = _free_names(call) - env.keys()
        if free - kernel.keys():  # a name the cell assigns itself, or one never read
            result.skipped += 1
            continue
        unreadable = {n: kernel[n] for n in free if isinstance(kernel[n], Unreadable)}
        if unreadable:
            value = _value_arg(call)
            name = value.id if isinstance(value, ast.Name) else None
            if call.func.id in VALUE_CHECKS and name in unreadable:  # type: ignore[attr-defined]
                title = f"변수 {name}"
                result.audited.append(title)
                why = unreadable[name].reason
                result.failures.append(fail(title, "커널에서 읽을 수 있는 파이썬 값", why).message)
            else:  # e.g. Answer(…, client.containers.get(…).id, …): left to the kernel
                result.skipped += 1
            continue
        values = {n: kernel[n] for n in free}
        try:
            check = eval(  # one namespace: a lambda in the call looks its names up there
                compile(ast.Expression(call), "<audit>", "eval"),
                {"__builtins__": {}, **env, **values},
            )
            outcome = check(dc)  # student-named files: HostPath opens them beneath the jail
        except NameError:  # uses something the audit does not have: left to the kernel
            result.skipped += 1
            continue
        except Exception as exc:  # the teacher's expression failed on these values  # noqa: BLE001
            outcome = fail(ast.unparse(call.func), "확인이 끝남", f"{type(exc).__name__}: {exc}")
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
        graded = [
            c
            for c in teacher.cells
            if c.get("metadata", {}).get("nbgrader", {}).get("grade") and c.cell_type == "code"
        ]
        self._trusted = {c.metadata["nbgrader"]["grade_id"]: c.source for c in graded}
        tags = {c.metadata["nbgrader"]["grade_id"]: c.metadata.get("tags") for c in graded}
        for cell in nb.cells:  # grade cells run with the teacher's tags (no skip-execution)
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if meta.get("grade") and meta.get("grade_id") in tags:
                cell.metadata.pop("tags", None)
                if tags[meta["grade_id"]]:
                    cell.metadata["tags"] = list(tags[meta["grade_id"]])
        params = parameters_of(teacher)
        section = Path(self.source_notebook).parent.name
        self._namespace = {**params, "work": course.work_path(section, params.get("WORK_DIR"))}
        self._wanted = {g: kernel_names(src, self._namespace) for g, src in self._trusted.items()}
        self._outside = {g for g, s in self._trusted.items() if hidden_outside(s, self._namespace)}
        self._sent_source: str | None = None
        self._kernel_values: dict[str, Any] = {}
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

    def _grade_id(self, cell) -> str | None:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        grade_id = meta.get("grade_id")
        if meta.get("grade") and cell.cell_type == "code" and grade_id in self._trusted:
            return grade_id
        return None

    async def on_cell_execute(self, **kwargs):
        """Before a grade cell runs: read the student's values its checks use."""
        cell = kwargs["cell"]
        grade_id = self._grade_id(cell)
        self._kernel_values = {}
        if grade_id and self._wanted[grade_id]:
            self._kernel_values = await self._read_kernel(sorted(self._wanted[grade_id]))
        self._sent_source = None
        if grade_id in self._outside:  # the kernel gets the cell without its hidden tests
            self._sent_source = cell.source
            cell.source = split_hidden(self._trusted[grade_id])[0]

    async def _read_kernel(self, names: list[str]) -> dict[str, Any]:
        unread = {n: Unreadable("커널이 답하지 않음") for n in names}
        asked = {n: f"__import__('builtins').repr({n})" for n in names}
        msg_id = await ensure_async(
            self.kc.execute("", silent=True, store_history=False, user_expressions=asked)
        )
        deadline = time.monotonic() + FETCH_TIMEOUT
        while (left := deadline - time.monotonic()) > 0:
            try:
                msg = await ensure_async(self.kc.shell_channel.get_msg(timeout=left))
            except Empty:
                break
            if msg.get("parent_header", {}).get("msg_id") == msg_id:
                found = msg.get("content", {}).get("user_expressions") or {}
                return unread | {n: literal(found[n]) for n in names if n in found}
        return unread

    def on_cell_executed(self, **kwargs):
        super().on_cell_executed(**kwargs)
        cell = kwargs["cell"]
        if self._sent_source is not None:
            cell.source, self._sent_source = self._sent_source, None
        grade_id = self._grade_id(cell)
        if grade_id is None:
            return
        passed = not any(o.get("output_type") == "error" for o in cell.get("outputs", []))
        outside = grade_id in self._outside
        visible, hidden = split_hidden(self._trusted[grade_id])
        # the checks print nothing, but keep the grader's own stderr clean regardless
        with contextlib.redirect_stderr(io.StringIO()):
            audit = audit_cell(
                visible if outside else self._trusted[grade_id],
                self._namespace,
                passed,
                grade_id,
                kernel=self._kernel_values,
            )
            if outside:
                values = self._kernel_values
                secret = audit_cell(hidden, self._namespace, passed, grade_id, kernel=values)
                audit.hidden_outside = True
                audit.hidden_failures = secret.failures
                if secret.skipped:  # cannot happen for a cell hidden_outside() accepted
                    audit.hidden_failures.append("채점기가 숨은 확인을 실행하지 못함")
        self._audits.append(audit)
        if audit.hidden_failures and not audit.overruled and passed:
            cell.outputs.append(
                nbformat.v4.new_output(
                    "error",
                    ename="AssertionError",
                    evalue="\n".join(audit.hidden_failures),
                    traceback=["AssertionError: 채점기가 확인한 결과:", *audit.hidden_failures],
                )
            )
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
        # nbgrader scores the first execute_result as (partial) credit and stops there: an
        # error after it would not count. In a grade cell an error must come first.
        errors = [o for o in cell.outputs if o.get("output_type") == "error"]
        if errors:
            cell.outputs = errors + [o for o in cell.outputs if o.get("output_type") != "error"]
