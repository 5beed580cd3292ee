"""A check can read a student-named file only through `HostPath`: fields annotated `HostPath`
become one (which `open()`, `Path()` and `tarfile` refuse), and no module of the check library
opens, stats or resolves a file by name in any other way."""

import ast
import inspect
import tarfile
from pathlib import Path

import pytest

from autograder import checks
from autograder.checks.base import Check
from autograder.checks.hostpath import HostPath, host_path_fields

CHECKS_DIR = Path(checks.__file__).parent
#: (module, the call's source) that may touch files by name, and why
ALLOWED = {
    ("layers.py", "tarfile.open(tmp.name)"): "a temporary file the check wrote itself",
    ("history.py", 'open(path, encoding="utf-8")'): "the grader's own recording (its env)",
    ("volumes.py", "Path(a)"): "compares mount sources by name (resolve), opens nothing",
    ("volumes.py", "Path(b)"): "compares mount sources by name (resolve), opens nothing",
}
BY_NAME = {"open", "Path", "stat", "lstat", "read_text", "read_bytes", "is_file", "exists"}


def _all_checks() -> list[type[Check]]:
    return [c for c in vars(checks).values() if inspect.isclass(c) and issubclass(c, Check)]


def test_the_file_checks_declare_host_paths() -> None:
    declared = {c.__name__: host_path_fields(c) for c in _all_checks() if host_path_fields(c)}
    assert declared == {
        "CopiedFromContainer": ("host_path",),
        "ExportedTar": ("path",),
        "HostFile": ("path",),
        "LoadedFromTar": ("path",),
        "SavedTar": ("path",),
    }, declared


@pytest.mark.parametrize(
    "made",
    [
        checks.HostFile("/x/out.txt", "hi"),
        checks.SavedTar("/x/a.tar", "study/hello:1.0"),
        checks.LoadedFromTar("study/hello:1.0", "/x/a.tar"),
        checks.CopiedFromContainer("/x/app.js", "temp1", "/app/app.js"),
        checks.ExportedTar("/x/e.tar", "app/app.js"),
    ],
    ids=lambda c: type(c).__name__,
)
def test_a_host_path_cannot_be_opened_by_name(made: Check) -> None:
    (field,) = host_path_fields(type(made))
    value = getattr(made, field)
    assert isinstance(value, HostPath), f"{type(made).__name__}.{field} is {value!r}"
    for by_name in (open, Path, tarfile.open):
        with pytest.raises(TypeError):
            by_name(value)
    assert str(value) in made.title, "the title still shows the path as the student wrote it"


def test_no_check_opens_a_file_by_name() -> None:
    found = []
    for module in sorted(CHECKS_DIR.glob("*.py")):
        if module.name == "hostpath.py":
            continue
        text = module.read_text()
        for node in ast.walk(ast.parse(text)):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name == "open" and any(k.arg == "fileobj" for k in node.keywords):
                continue  # tarfile.open(fileobj=…): a stream, not a name
            on_host_path = isinstance(func, ast.Attribute) and _is_host_field(func.value)
            if name in BY_NAME and not on_host_path:
                call = ast.get_source_segment(text, node) or name
                if (module.name, call) not in ALLOWED:
                    found.append(f"{module.name}:{node.lineno}: {call}")
    assert not found, "read student-named files through HostPath:\n" + "\n".join(found)


def _is_host_field(node: ast.expr) -> bool:
    """``self.<field>`` where the field is a HostPath of some check."""
    fields = {f for c in _all_checks() for f in host_path_fields(c)}
    return (
        isinstance(node, ast.Attribute)
        and getattr(node.value, "id", "") == "self"
        and node.attr in fields
    )
