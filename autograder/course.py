"""What each section notebook creates, and its setup and cleanup cells.

The setup cell (locked) checks the machine, resets this section's own objects so "Run All"
works twice, makes the section's work folder, and builds an earlier section's image when the
section needs it, so every notebook can be graded alone on a fresh engine. The cleanup cell
removes only the names this section declares (and nothing when ``DOCKER_COURSE_KEEP=1``, which
the grader sets so it can audit the final state).
"""

from __future__ import annotations

import contextlib
import html
import os
from dataclasses import dataclass, field
from pathlib import Path

import docker
import docker.errors

from . import doctor, engine, exec_output, hints, images, shell
from .errors import CourseError
from .korean import particle

HELLO_FILES = Path(__file__).parent / "course_files" / "hello"
HELLO_REF = "study/hello:1.0"
EVERY_IMAGE = (images.NODE, images.BUSYBOX)
BUSYBOX_ONLY = (images.BUSYBOX,)


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    containers: tuple[str, ...] = ()
    images: tuple[str, ...] = ()
    volumes: tuple[str, ...] = ()
    needs_hello: bool = False  # setup builds study/hello:1.0 from the reference files
    # the course images its notebook starts from: what its setup checks, and all that the
    # engine grading it holds (a template of busybox alone is 2 MB, of every image 131 MB)
    base: tuple[str, ...] = EVERY_IMAGE


SECTIONS: dict[str, Section] = {
    s.id: s
    for s in (
        Section(
            "01-concepts",
            "핵심 개념",
            containers=("concept-a", "concept-b", "life"),
            base=BUSYBOX_ONLY,
        ),
        Section(
            "02-build-run",
            "실습 1 — 빌드와 실행",
            containers=("hello1", "hello2"),
            images=(HELLO_REF,),
        ),
        Section(
            "03-commit-save-load",
            "실습 2 — commit, save, load",
            containers=("temp1", "modified1"),
            images=("study/hello:modified",),
            needs_hello=True,
        ),
        Section(
            "04-layers",
            "레이어와 태그",
            images=(
                "study/hello:1.1",
                "study/hello:latest",
                "study/hello:stable",
                "study/hello:cache-test",
                "study/hello:tmp",
                "study/hello:dev",
            ),
            needs_hello=True,
        ),
        Section(
            "05-volumes",
            "볼륨과 바인드 마운트",
            containers=("data-demo", "scratch-demo", "bind-demo"),
            volumes=("mydata",),
            base=BUSYBOX_ONLY,
        ),
        Section(
            "06-best-practices",
            "모범 사례",
            images=(
                "study/multi:1.0",
                "study/multi:build",
                "study/nonroot:1.0",
                "study/secret:leaky",
                "study/secret:clean",
                "study/pinned:1.0",
            ),
        ),
        Section("07-review", "복습 문제", base=BUSYBOX_ONLY),
    )
}


@dataclass
class Workspace:
    """What the setup cell returns: the section, its work folder and the doctor's report."""

    section: Section
    work: Path
    report: doctor.Report
    notes: list[str] = field(default_factory=list)

    def _repr_html_(self) -> str:
        notes = "".join(f"<li>{html.escape(n)}</li>" for n in self.notes)
        return (
            f"<div><b>{html.escape(self.section.id)} — {html.escape(self.section.title)}</b>"
            f"{self.report.html(collapsed=True)}<div>작업 폴더: <code>{html.escape(str(self.work))}"
            f"</code></div><ul>{notes}</ul></div>"
        )


def setup(section_id: str, *, work_dir: str | os.PathLike | None = None) -> Workspace:
    """The locked first cell of a section notebook."""
    section = SECTIONS[section_id]
    hints.install()  # a Korean hint under the SDK's common errors
    shell.install()  # `!docker …` lines end without pexpect's 0.1 s pause
    exec_output.install()  # exec_run keeps output a slow (throttled) kernel read late
    report = doctor.run(quick=True, needed=images.named(section.base))
    if not report.ok:
        raise CourseError(
            "환경 점검 실패:\n" + report.text(korean=True), fix="`make lab`을 다시 실행하세요."
        )
    dc = engine.client()
    ws = Workspace(section, _work_folder(section, work_dir), report)
    removed = reset(section, dc)
    if removed:
        ws.notes.append("이전 실행이 남긴 것 정리: " + ", ".join(removed))
    if section.needs_hello:
        build_hello(dc)
        made = particle(HELLO_REF, "을/를")
        ws.notes.append(f"{made} 참조용 app.js와 Dockerfile로 준비했습니다.")
    return ws


def work_path(section_id: str, work_dir: str | os.PathLike | None = None) -> Path:
    """The section's work folder: ``work_dir``, else ``$DOCKER_COURSE_WORK/<section>``, else
    ``~/docker-course-work/<section>``.

    Never inside the assignment folder: saved image tars are 100+ MB, and nbgrader's exchange
    refuses to submit a folder that large (grading rebuilds them by re-execution anyway).
    """
    if work_dir is not None:
        return Path(work_dir).expanduser().resolve()
    base = os.environ.get("DOCKER_COURSE_WORK") or Path.home() / "docker-course-work"
    return (Path(base) / section_id).resolve()


def _work_folder(section: Section, work_dir) -> Path:
    work = work_path(section.id, work_dir)
    work.mkdir(parents=True, exist_ok=True)  # never emptied: it is the student's
    return work


def reset(section: Section, dc: docker.DockerClient) -> list[str]:
    """Remove this section's named containers, images and volumes. Returns what it removed."""
    removed = []
    for name in section.containers:
        with contextlib.suppress(docker.errors.NotFound):
            dc.containers.get(name).remove(force=True)
            removed.append(f"컨테이너 {name}")
    for ref in section.images:
        with contextlib.suppress(docker.errors.ImageNotFound):
            dc.images.remove(ref, force=True)
            removed.append(f"이미지 {ref}")
    for name in section.volumes:
        with contextlib.suppress(docker.errors.NotFound):
            dc.volumes.get(name).remove(force=True)
            removed.append(f"볼륨 {name}")
    return removed


def build_hello(dc: docker.DockerClient) -> str:
    """Build the reference study/hello:1.0 (as §2 teaches it). Cached builds cost ~0.1 s.

    No bookkeeping labels: they would add ``LABEL`` lines to the history the student studies
    (03, 04); the course finds its images by name (:data:`SECTIONS`)."""
    image, _ = dc.images.build(path=str(HELLO_FILES), tag=HELLO_REF, rm=True)
    return image.id


class Removed(list):
    """What :func:`cleanup` removed (a list of "컨테이너 hello1", …), shown as one Korean line
    in the notebook instead of a Python list."""

    def __repr__(self) -> str:
        if not self:
            return "정리할 것이 없습니다 (이 장이 만든 것이 이미 없음)."
        return "정리했습니다: " + ", ".join(self)

    def _repr_html_(self) -> str:
        return f"<div>{html.escape(repr(self))}</div>"


def cleanup(section_id: str) -> Removed:
    """The last cell: remove what this section created (kept when DOCKER_COURSE_KEEP=1)."""
    if os.environ.get("DOCKER_COURSE_KEEP") == "1":
        return Removed()
    return Removed(reset(SECTIONS[section_id], engine.client()))
