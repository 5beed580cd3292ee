"""Panels for students: "내 작업 확인" (run this section's visible checks) and a live view of the
course's images, containers and volumes. Neither writes to stderr nor changes engine state
(a volume check reads through a throw-away container that it removes)."""

from __future__ import annotations

import ast
import html
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import checks, course, engine, images
from ..grading.calls import CHECK_NAMES, check_calls

HIDDEN = "### BEGIN HIDDEN TESTS"
ALL_CHECKS = CHECK_NAMES | {"Answer", "Computed"}


@dataclass(frozen=True)
class CellChecks:
    grade_id: str
    points: float
    calls: tuple[str, ...]  # source of each check constructor call


def visible_checks(notebook: Path) -> list[CellChecks]:
    """The visible check calls of every grade cell of ``notebook`` (hidden parts skipped)."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))  # nbformat costs 2 s to import
    found = []
    for cell in nb.get("cells", []):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.get("cell_type") != "code" or not meta.get("grade"):
            continue
        source = cell.get("source", "")
        visible = ("".join(source) if isinstance(source, list) else source).split(HIDDEN, 1)[0]
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
    for image in dc.api.images():  # one request each for images and containers: stays quick
        tags = [t for t in image.get("RepoTags") or [] if t in refs or t.startswith("study/")]
        if tags:
            img_rows.append(
                f"<tr><td>{html.escape(', '.join(tags))}</td><td><code>"
                f"{image['Id'][7:19]}</code></td><td>{image.get('Size', 0) / 1e6:.1f}"
                f" MB</td></tr>"
            )
    ctr_rows = []
    for c in dc.api.containers(all=True):
        name, ref = (c.get("Names") or ["/?"])[0].lstrip("/"), c.get("Image", "")
        if name in names or ref in refs or ref.startswith("study/"):
            ports = ", ".join(
                f"{p['PublicPort']}→{p['PrivatePort']}/{p.get('Type', 'tcp')}"
                for p in c.get("Ports") or []
                if p.get("PublicPort")
            )
            ctr_rows.append(
                f"<tr><td>{html.escape(name)}</td><td>{html.escape(c.get('State', '?'))}</td>"
                f"<td>{html.escape(ref)}</td><td>{html.escape(ports)}</td></tr>"
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
