"""``docker-course student-pack -o FILE.zip``: what a student needs, for teachers who hand out
files instead of the repository.

The zip has the checkout's layout minus everything a student must not or need not see:
the course package (``autograder/``, ``pyproject.toml``, ``environment.yml``, ``Makefile``),
``notebooks/00-welcome.ipynb`` and ``notebooks/cheatsheet.ipynb``, and ``release/`` (nbgrader's
student version: no solutions, no hidden tests), plus a Korean ``학생용-안내.md``. No
``source/``, ``tests/``, ``bench/`` or the instructor dashboard. ``make lab`` works in it as in
the checkout.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

from . import workspace
from .errors import CourseError

TOP = "docker-course"  # the folder the zip unpacks to
PACKAGE_FILES = ("pyproject.toml", "environment.yml", "Makefile")
SKIP_PARTS = {"__pycache__", ".ipynb_checkpoints"}
GUIDE = "학생용-안내.md"
GUIDE_TEXT = """# Docker 이미지 vs 컨테이너 — 학생용 묶음

이 폴더에는 과정 노트북(정답 없는 배포본)과 노트북이 쓰는 파이썬 패키지가 들어 있습니다.

## 시작하기

리눅스(root)나 Docker Desktop이 켜진 컴퓨터에서, 이 폴더 안에서:

```bash
make lab
```

`make`가 없으면:

```bash
python3 -m venv .venv
.venv/bin/pip install .
.venv/bin/docker-course engine up
.venv/bin/docker-course images prepare
.venv/bin/docker-course lab
```

JupyterLab이 여러분의 작업 폴더(`~/docker-course-lab/`)에 있는 `00-welcome.ipynb`를 엽니다.
터미널에 나온 `http://127.0.0.1:8888/lab?token=…` 주소를 브라우저로 여세요.

- 노트북을 고친 뒤 다시 `make lab`을 해도 여러분의 작업은 덮어쓰지 않습니다.
- 한 장을 처음부터 다시 하려면: `.venv/bin/docker-course workspace reset 03-commit-save-load`
  (이전 작업은 `~/docker-course-lab/.backups/`로 옮겨집니다).
- 환경이 이상하면: `.venv/bin/docker-course doctor`
"""


def files(root: Path) -> Iterator[tuple[str, Path]]:
    """(path in the zip, file in the checkout) of everything a student gets."""
    for name in PACKAGE_FILES:
        yield name, root / name
    for path in sorted((root / "autograder").rglob("*")):
        if path.is_file() and not SKIP_PARTS & set(path.parts) and path.suffix != ".pyc":
            yield str(path.relative_to(root)), path
    for rel, path in workspace.course_files(root).items():
        yield (f"notebooks/{rel}" if "/" not in rel else f"release/{rel}"), path


def build(root: Path, output: Path, *, report: Callable[[str], None] = print) -> Path:
    output = output.resolve()
    if output.suffix != ".zip":
        raise CourseError(f"{output} should end in .zip", fix="Name the pack e.g. course.zip.")
    entries = list(files(root))
    missing = [str(p) for _, p in entries if not p.is_file()]
    if missing:
        raise CourseError(f"course files missing: {', '.join(missing)}")
    leaked = [rel for rel, p in entries if p.suffix == ".ipynb" and _has_solutions(p)]
    if leaked:
        raise CourseError(
            f"{', '.join(leaked)} still hold solutions or hidden tests.",
            fix="Run `docker-course release` so release/ is nbgrader's student version.",
        )
    tmp = output.with_name(f".{output.name}.tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for rel, path in entries:
            zf.write(path, f"{TOP}/{rel}")
        zf.writestr(f"{TOP}/{GUIDE}", GUIDE_TEXT)
    tmp.replace(output)
    report(f"student pack {output}: {len(entries) + 1} files, {output.stat().st_size // 1024} kB")
    return output


def _has_solutions(notebook: Path) -> bool:
    """Solution or hidden-test markers in any cell source of ``notebook``."""
    try:
        cells = json.loads(notebook.read_text()).get("cells", [])
    except (OSError, ValueError):
        return False
    text = "".join("".join(c.get("source", "")) for c in cells)
    return "### BEGIN SOLUTION" in text or "### BEGIN HIDDEN TESTS" in text
