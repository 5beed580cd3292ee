"""Which calls in a grade cell are checks: shared by the audit (grader side) and the check panel
(kernel side), so it imports neither nbgrader nor nbformat (seconds of import time)."""

from __future__ import annotations

import ast

from .. import checks

CHECK_NAMES = {name for name in checks.__all__ if name[0].isupper()} - {
    "Check",
    "CheckResult",
    "Results",
    "Answer",
    "Computed",
}
SAFE_CALLS = {"str", "Path", "int", "tuple"}


def check_calls(source: str, names: set[str] = CHECK_NAMES) -> list[ast.expr]:
    """The check constructor calls (of classes in ``names``) inside ``require(...)`` or
    ``check(...)`` of a grade cell."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) in {"require", "check"}:
            found += [
                a
                for a in node.args
                if isinstance(a, ast.Call) and getattr(a.func, "id", None) in names
            ]
    return found
