"""Panels for students: "내 작업 확인" (run this section's visible checks) and a live view of the
course's images, containers and volumes. Neither writes to stderr nor changes engine state
(a volume check reads through a throw-away container that it removes)."""

from __future__ import annotations

import ast
import html
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import checks, course, engine, images
from ..checks.base import recorded
from ..grading.calls import CHECK_NAMES, check_calls

HIDDEN = "### BEGIN HIDDEN TESTS"
ALL_CHECKS = CHECK_NAMES | {"Answer", "Computed"}


@dataclass(frozen=True)
class CellChecks:
    grade_id: str
    points: float
    calls: tuple[str, ...]  # source of each check constructor call
    task: str = ""  # "과제 2 · …" as the notebook names it, or "" when no task text precedes


TASK = re.compile(r"\*\*(과제 \d+)\.\*\*[ \t]*|^#+ (문제 \d+)\.[ \t]*", re.M)
STATES = {
    "running": "실행 중",
    "exited": "멈춤",
    "created": "만들어짐",
    "paused": "일시 정지",
    "restarting": "다시 시작 중",
    "removing": "지우는 중",
    "dead": "죽음",
}


def _task_name(markdown: str) -> str:
    """'과제 2 · 이미지 busybox:1.37로 실행 중인 컨테이너 두 개를 만드세요.' from the task's
    paragraph ('문제 1 · …' from a review heading): its first sentence, shortened."""
    matches = list(TASK.finditer(markdown))
    if not matches:
        return ""
    found = matches[-1]
    label = found.group(1) or found.group(2)
    paragraph = markdown[found.end() :].split("\n\n", 1)[0]
    text = " ".join(re.sub(r"[`*]", "", paragraph).split())
    text = re.split(r"(?<=[.?!])\s", text, maxsplit=1)[0]
    short = text if len(text) <= 40 else text[:39].rstrip() + "…"
    return f"{label} · {short}" if short else label


def visible_checks(notebook: Path) -> list[CellChecks]:
    """The visible check calls of every grade cell of ``notebook`` (hidden parts skipped)."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))  # nbformat costs 2 s to import
    found = []
    task = ""
    for cell in nb.get("cells", []):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        if cell.get("cell_type") == "markdown":
            task = _task_name(source) or task
            continue
        if cell.get("cell_type") != "code" or not meta.get("grade"):
            continue
        visible = source.split(HIDDEN, 1)[0]
        calls = tuple(ast.unparse(c) for c in check_calls(visible, ALL_CHECKS))
        found.append(CellChecks(meta.get("grade_id", "?"), meta.get("points", 0), calls, task))
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
                results.append(_judged(check))
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


def _judged(check: checks.Check) -> checks.CheckResult:
    """The check now; if it fails now but passed when its cell ran (a later task removed what
    it looked at, e.g. 03's task 6 removes modified1), the task counts as done, as in grading."""
    now = check()
    if now.passed:
        return now
    then = recorded(check)
    if then is not None and then.passed:
        return checks.CheckResult(
            now.title, True, seen="확인 셀을 실행했을 때 통과 (그 뒤 다른 과제가 상태를 바꿈)"
        )
    return now


def report_html(graded: list[tuple[CellChecks, list]]) -> str:
    done = sum(1 for _, rs in graded if rs and all(r.passed for r in rs))
    rows = []
    for cell, results in graded:
        ok = bool(results) and all(r.passed for r in results)
        detail = checks.Results(results)._repr_html_() if results else "(보이는 확인 없음)"
        shared = sum(c.task == cell.task for c, _ in graded) > 1
        name = cell.task or cell.grade_id
        if shared or not cell.task:
            name += f" ({cell.grade_id})" if cell.task else ""
        rows.append(
            f"<details{' open' if not ok else ''}><summary>{'✓' if ok else '✗'} "
            f"<b>{html.escape(name)}</b> ({cell.points:g}점)</summary>{detail}</details>"
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
        "<i>버튼을 누르면 이 장 확인 셀의 보이는 확인을 실행합니다 (채점에는 숨은 "
        "확인이 더 있습니다. 엔진 상태는 바꾸지 않습니다).</i>"
    )

    def on_click(_=None) -> None:
        if notebook is None:
            result.value = "✗ 이 장의 노트북 파일을 찾지 못했습니다."
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
            ports = ", ".join(  # IPv4 and IPv6 list each port: once is enough
                dict.fromkeys(
                    f"{p['PublicPort']}→{p['PrivatePort']}/{p.get('Type', 'tcp')}"
                    for p in c.get("Ports") or []
                    if p.get("PublicPort")
                )
            )
            state = STATES.get(c.get("State", ""), c.get("State", "?"))
            ctr_rows.append(
                f"<tr><td>{html.escape(name)}</td><td>{html.escape(state)}</td>"
                f"<td>{html.escape(ref)}</td><td>{html.escape(ports)}</td></tr>"
            )
    vol_rows = [
        f"<tr><td>{html.escape(v.name)}</td></tr>" for v in dc.volumes.list() if v.name in vols
    ]

    def table(title: str, head: str, rows: list[str]) -> str:
        body = "".join(rows) or "<tr><td colspan='4'><i>없음</i></td></tr>"
        style = "border-collapse:collapse"
        return (
            f"<h4>{title}</h4><table class='docker-course-table' style='{style}'>"
            f"<tr>{head}</tr>{body}</table>"
        )

    cell = "style='padding:2px 14px 2px 0;text-align:left;border-bottom:1px solid #ddd'"
    return (
        (
            "<div class='docker-course-engine'>"
            + table("이미지 (읽기 전용 템플릿)", "<th>태그</th><th>ID</th><th>크기</th>", img_rows)
            + table(
                "컨테이너 (이미지로 만든 인스턴스)",
                "<th>이름</th><th>상태</th><th>이미지</th><th>포트</th>",
                ctr_rows,
            )
            + table("볼륨", "<th>이름</th>", vol_rows)
            + "</div>"
        )
        .replace("<td>", f"<td {cell}>")
        .replace("<th>", f"<th {cell}>")
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
