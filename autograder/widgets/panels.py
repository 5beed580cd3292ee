"""Panels for students: "내 작업 확인" (run this section's visible checks) and a live view of the
course's images, containers and volumes. Neither writes to stderr nor changes engine state
(a volume check reads through a throw-away container that it removes)."""

from __future__ import annotations

import ast
import html
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat

from .. import checks, course, engine, images
from ..grading.audit import CHECK_NAMES, check_calls

HIDDEN = "### BEGIN HIDDEN TESTS"
ALL_CHECKS = CHECK_NAMES | {"Answer", "Computed"}


@dataclass(frozen=True)
class CellChecks:
    grade_id: str
    points: float
    calls: tuple[str, ...]  # source of each check constructor call


def visible_checks(notebook: Path) -> list[CellChecks]:
    """The visible check calls of every grade cell of ``notebook`` (hidden parts skipped)."""
    nb = nbformat.read(notebook, as_version=4)
    found = []
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type != "code" or not meta.get("grade"):
            continue
        visible = cell.source.split(HIDDEN, 1)[0]
        calls = tuple(ast.unparse(c) for c in check_calls(visible, ALL_CHECKS))
        found.append(CellChecks(meta.get("grade_id", "?"), meta.get("points", 0), calls))
    return found


def find_notebook(section_id: str) -> Path | None:
    """The notebook the student has open (JupyterLab tells the kernel), else a likely copy."""
    session = os.environ.get("JPY_SESSION_NAME", "")
    candidates = [Path(session)] if session.endswith(".ipynb") else []
    candidates += [
        Path.cwd() / f"{section_id}.ipynb",
        engine.project_root() / "release" / section_id / f"{section_id}.ipynb",
    ]
    return next((p for p in candidates if p.is_file()), None)


def run_visible(
    cells: list[CellChecks], namespace: dict[str, Any]
) -> list[tuple[CellChecks, list]]:
    env = {**{n: getattr(checks, n) for n in ALL_CHECKS}, **namespace}
    out = []
    for cell in cells:
        results = []
        for source in cell.calls:
            try:
                check = eval(source, env)  # the notebook's own check expressions
                results.append(check())
            except Exception as exc:  # a task cell not run yet, a typo: say so, quietly  # noqa: BLE001
                results.append(
                    checks.CheckResult(
                        source.split("(", 1)[0],
                        False,
                        "과제 셀을 먼저 실행",
                        f"{type(exc).__name__}: {exc}",
                        "위의 과제 셀을 실행한 뒤 다시 확인하세요.",
                    )
                )
        out.append((cell, results))
    return out


def report_html(graded: list[tuple[CellChecks, list]]) -> str:
    done = sum(1 for _, rs in graded if rs and all(r.passed for r in rs))
    rows = []
    for cell, results in graded:
        ok = bool(results) and all(r.passed for r in results)
        detail = checks.Results(results)._repr_html_() if results else "(보이는 확인 없음)"
        rows.append(
            f"<details{' open' if not ok else ''}><summary>{'✓' if ok else '✗'} "
            f"<b>{html.escape(cell.grade_id)}</b> ({cell.points:g}점)</summary>{detail}</details>"
        )
    bar = f"<progress value='{done}' max='{len(graded)}'></progress> {done}/{len(graded)} 과제 통과"
    return f"<div>{bar}{''.join(rows)}</div>"


def check_panel(section_id: str, namespace: dict[str, Any] | None = None):
    """A "내 작업 확인" button for this section's visible checks."""
    import ipywidgets as w
    from IPython import get_ipython

    notebook = find_notebook(section_id)
    button = w.Button(description="내 작업 확인", icon="check", button_style="primary")
    result = w.HTML(
        "<i>버튼을 누르면 이 섹션의 확인을 지금 엔진 상태로 실행합니다 (채점과 같은 확인, "
        "상태는 바꾸지 않습니다).</i>"
    )

    def on_click(_=None) -> None:
        if notebook is None:
            result.value = "✗ 이 섹션의 노트북 파일을 찾지 못했습니다."
            return
        button.disabled, button.description = True, "확인 중…"
        try:
            ns = (
                namespace
                if namespace is not None
                else (get_ipython().user_ns if get_ipython() else {})
            )
            result.value = report_html(run_visible(visible_checks(notebook), ns))
        finally:
            button.disabled, button.description = False, "내 작업 확인"

    button.on_click(on_click)
    return w.VBox([button, result])


def engine_html(dc=None) -> str:
    """The course's images, containers (state, ports) and volumes on the engine, as a table."""
    dc = dc or checks.client()
    names = {n for s in course.SECTIONS.values() for n in s.containers}
    refs = {r for s in course.SECTIONS.values() for r in s.images} | {course.HELLO_REF}
    refs |= {r for i in images.COURSE_IMAGES for r in i.refs}
    vols = {v for s in course.SECTIONS.values() for v in s.volumes}
    img_rows = []
    for image in dc.images.list():
        tags = [t for t in image.tags if t in refs or t.startswith("study/")]
        if tags:
            img_rows.append(
                f"<tr><td>{html.escape(', '.join(tags))}</td><td><code>"
                f"{image.id[7:19]}</code></td><td>{image.attrs.get('Size', 0) / 1e6:.1f}"
                f" MB</td></tr>"
            )
    ctr_rows = []
    for c in dc.containers.list(all=True):
        if c.name in names or any(t in refs or t.startswith("study/") for t in c.image.tags):
            ports = ", ".join(
                f"{b['HostPort']}→{p}" for p, bs in (c.ports or {}).items() for b in (bs or [])[:1]
            )
            ctr_rows.append(
                f"<tr><td>{html.escape(c.name)}</td><td>{c.status}</td><td>"
                f"{html.escape(', '.join(c.image.tags) or c.image.short_id)}</td>"
                f"<td>{html.escape(ports)}</td></tr>"
            )
    vol_rows = [
        f"<tr><td>{html.escape(v.name)}</td></tr>" for v in dc.volumes.list() if v.name in vols
    ]

    def table(title: str, head: str, rows: list[str]) -> str:
        body = "".join(rows) or "<tr><td colspan='4'><i>없음</i></td></tr>"
        return f"<h4>{title}</h4><table><tr>{head}</tr>{body}</table>"

    return (
        "<div class='docker-course-engine'>"
        + table("이미지 (읽기 전용 템플릿)", "<th>태그</th><th>ID</th><th>크기</th>", img_rows)
        + table(
            "컨테이너 (실행 인스턴스)",
            "<th>이름</th><th>상태</th><th>이미지</th><th>포트</th>",
            ctr_rows,
        )
        + table("볼륨", "<th>이름</th>", vol_rows)
        + "</div>"
    )


def engine_panel():
    """A live engine view with a refresh button."""
    import ipywidgets as w

    view = w.HTML(engine_html())
    button = w.Button(description="새로고침", icon="refresh")

    def refresh(_=None) -> None:
        view.value = engine_html()

    button.on_click(refresh)
    return w.VBox([button, view])
