"""How long a section takes a beginner: the course's clock, computed from the notebooks.

The method (README, "How long the course takes"):

- reading: the Korean prose of markdown cells at :data:`READ_CHARS_PER_MIN` characters (not
  counting spaces) a minute — a beginner reading technical text with code in it;
- each hands-on task (a solution cell): :data:`TASK_MIN` minutes to run it, read the check and
  fix one mistake, plus :data:`LINE_MIN` for every line the student writes (the solution's lines
  that are neither blank nor comments); a written answer (a markdown solution):
  :data:`ANSWER_MIN`;
- each quiz question (a variable ``qN`` set in a solution cell): :data:`QUESTION_MIN` minute;
- every other code cell the student runs (setup, show, check, panels): :data:`CELL_MIN`.

A ``##`` subsection whose heading ends in ``(심화)`` is a deep dive, and so is a ``###`` block
whose heading ends in it (up to the next heading of its level or above): graded like the rest,
but not on the **core path**, which is what a class with 40 minutes does. Sections and the whole
course get both times, each section rounded up to 5 minutes.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

READ_CHARS_PER_MIN = 500
TASK_MIN = 1.5
LINE_MIN = 0.25
ANSWER_MIN = 3.0
QUESTION_MIN = 1.0
CELL_MIN = 0.25
DEEP = "(심화)"
LESSON = re.compile(
    r"^(\d+-\d+|문제 \d+)\. "
)  # "3-5. …", "문제 2. …": not intro, panels or summary
HEADING = re.compile(r"^(#{1,3}) (.+)$", re.M)
QUESTION = re.compile(r"^\s*q\d+\s*=", re.M)
SOLUTION = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.S)


@dataclass
class Part:
    """A subsection: its heading and the minutes of what it holds."""

    title: str
    deep: bool
    minutes: float = 0.0
    grade_ids: list[str] = field(default_factory=list)  # its graded cells
    task_ids: list[str] = field(default_factory=list)  # its solution cells (what students write)


@dataclass(frozen=True)
class SectionTime:
    notebook: str
    parts: tuple[Part, ...]

    @property
    def full(self) -> int:
        """Minutes for everything, rounded up to 5 (what the notebook's title says)."""
        return rounded(sum(p.minutes for p in self.parts))

    @property
    def on_core_path(self) -> bool:
        """Whether the core path visits this section: one of its lessons is not a deep dive."""
        return any(LESSON.match(p.title) and not p.deep for p in self.parts)

    @property
    def core(self) -> int:
        """Minutes of the core path in this section (its parts that are not deep dives), rounded
        up to whole minutes; 0 when the core path skips the section."""
        if not self.on_core_path:
            return 0
        return math.ceil(sum(p.minutes for p in self.parts if not p.deep) - 1e-9)

    @property
    def deep_grade_ids(self) -> list[str]:
        return [g for p in self.parts if p.deep for g in p.grade_ids]

    @property
    def core_grade_ids(self) -> list[str]:
        return [g for p in self.parts if not p.deep for g in p.grade_ids]

    @property
    def core_task_ids(self) -> list[str]:
        return [t for p in self.parts if not p.deep for t in p.task_ids]


def rounded(minutes: float) -> int:
    """Up to the next 5 minutes: a clock a student can plan with."""
    return 5 * math.ceil(minutes / 5 - 1e-9)


def _text(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def reading_minutes(markdown: str) -> float:
    return len(re.sub(r"\s", "", markdown)) / READ_CHARS_PER_MIN


def written_lines(source: str) -> int:
    """The lines a student writes in a task: the solution's, without blanks and comments."""
    found = SOLUTION.search(source)
    body = found.group(1) if found else source
    return sum(1 for ln in body.splitlines() if ln.strip() and not ln.strip().startswith("#"))


def cell_minutes(cell: dict) -> float:
    source = _text(cell)
    meta = cell.get("metadata", {}).get("nbgrader", {})
    if cell.get("cell_type") == "markdown":
        return ANSWER_MIN if meta.get("solution") else reading_minutes(source)
    if cell.get("cell_type") != "code":
        return 0.0
    if meta.get("solution"):
        questions = len(QUESTION.findall(source))
        if questions:
            return questions * QUESTION_MIN
        return TASK_MIN + LINE_MIN * written_lines(source)
    return CELL_MIN


class _Parts:
    """Splits a notebook into parts at ``##`` headings and at deep ``###`` blocks."""

    def __init__(self) -> None:
        self.parts = [Part("(시작)", deep=False)]
        self.section = self.parts[0]  # the ## subsection we are in

    def heading(self, level: int, title: str) -> None:
        deep = title.endswith(DEEP)
        if level == 2:
            self.section = Part(title, deep=deep)
            self.parts.append(self.section)
        elif level == 3 and (deep or self.parts[-1] is not self.section):
            if deep and not self.section.deep:  # a deep block in a core subsection
                self.parts.append(Part(f"{self.section.title} › {title}", deep=True))
            elif not deep and self.parts[-1].deep and not self.section.deep:  # back to core
                self.parts.append(Part(f"{self.section.title} (이어서)", deep=False))

    def markdown(self, text: str, cell: dict) -> None:
        """Reading time goes to the part each stretch of text sits in."""
        if cell.get("metadata", {}).get("nbgrader", {}).get("solution"):
            self.parts[-1].minutes += ANSWER_MIN
            self._graded(cell)
            return
        at = 0
        for found in HEADING.finditer(text):
            self.parts[-1].minutes += reading_minutes(text[at : found.start()])
            level, title = len(found.group(1)), found.group(2).strip()
            if level >= 2:
                self.heading(level, title)
            at = found.start()
        self.parts[-1].minutes += reading_minutes(text[at:])
        self._graded(cell)

    def code(self, cell: dict) -> None:
        self.parts[-1].minutes += cell_minutes(cell)
        self._graded(cell)

    def _graded(self, cell: dict) -> None:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade") and meta.get("grade_id"):
            self.parts[-1].grade_ids.append(meta["grade_id"])
        if meta.get("solution") and meta.get("grade_id"):
            self.parts[-1].task_ids.append(meta["grade_id"])


def section_time(notebook: Path) -> SectionTime:
    """The section's parts (the text before the first ``##`` heading is a part of its own)."""
    cells = json.loads(notebook.read_text(encoding="utf-8")).get("cells", [])
    found = _Parts()
    for cell in cells:
        if cell.get("cell_type") == "markdown":
            found.markdown(_text(cell), cell)
        elif cell.get("cell_type") == "code":
            found.code(cell)
    return SectionTime(notebook.stem, tuple(p for p in found.parts if p.minutes or p.grade_ids))


def core_cells(course: Path, assignment: str) -> frozenset[str]:
    """The grade cells on the core path of a course folder's assignment, read from its own
    notebook (source/, else release/): the teacher's headings decide, so a course that marks
    nothing deep grades everything as core, and one without the notebook has no core."""
    for folder in ("source", "release"):
        path = course / folder / assignment / f"{assignment}.ipynb"
        if path.is_file():
            return frozenset(section_time(path).core_grade_ids)
    return frozenset()


def course_times(root: Path) -> list[SectionTime]:
    """Every section of ``source/`` (the teacher's notebooks: what students get, solved)."""
    return [section_time(p) for p in sorted(root.glob("source/0[0-9]-*/0*.ipynb"))]


TITLE = re.compile(r"^(# \d+\. .+?) \((?:약 )?\d+분[^)\n]*\)$", re.M)
WELCOME_ROW = re.compile(r"^(\| `(0\d-[\w-]+)` \| )[^|\n]+ \| [^|\n]+( \|)", re.M)
README_ROW = re.compile(r"^(\| `source/(0\d-[\w-]+)` \| )[^|\n]+ \| [^|\n]+( \|)", re.M)
TOTAL = re.compile(r"(## 2\. 과정 구성 )\([^)\n]*\)")
CORE_LINE = re.compile(r"^\*\*핵심 경로\*\*: .*$", re.M)


def hours(minutes: int) -> str:
    h, m = divmod(minutes, 60)
    return f"{h}시간 {m}분" if h and m else f"{h}시간" if h else f"{m}분"


def lessons(section: SectionTime) -> str:
    """'1-1·1-2·1-3절': the section's subsections on the core path."""
    found = [LESSON.match(p.title) for p in section.parts if not p.deep]
    return "·".join(m.group(1) for m in found if m) + "절"


def title_time(section: SectionTime) -> str:
    """What the section's title says: '약 35분 · 핵심 9분', or '약 50분 · 심화'."""
    core = f"핵심 {section.core}분" if section.core else "심화"
    return f"약 {section.full}분 · {core}"


def core_cell(section: SectionTime) -> str:
    return f"{section.core}분: {lessons(section)}" if section.core else "– (심화)"


def core_path_line(sections: list[SectionTime]) -> str:
    steps = " → ".join(f"`{s.notebook}`의 {lessons(s)}" for s in sections if s.core)
    total = sum(s.core for s in sections)
    return f"**핵심 경로**: {steps} (약 {total}분)"


def stamp_title(markdown: str, section: SectionTime) -> str:
    """'# 2. 실습 1 — … (약 25분 · 핵심 11분)' on the section's first heading."""
    return TITLE.sub(lambda m: f"{m.group(1)} ({title_time(section)})", markdown, count=1)


def stamp_rows(pattern: re.Pattern, markdown: str, sections: list[SectionTime]) -> str:
    """A table's rows (the welcome's or README's): each section's full and core minutes."""
    by_name = {s.notebook: s for s in sections}

    def row(m: re.Match) -> str:
        found = by_name.get(m.group(2))
        if found is None:
            return m.group(0)
        return f"{m.group(1)}약 {found.full}분 | {core_cell(found)}{m.group(3)}"

    return pattern.sub(row, markdown)


def stamp_welcome(markdown: str, sections: list[SectionTime], welcome: int) -> str:
    """The welcome's table (full and core minutes per section), its total and the core path."""
    text = stamp_rows(WELCOME_ROW, markdown, sections)
    total = welcome + sum(s.full for s in sections)
    core = sum(s.core for s in sections)
    text = TOTAL.sub(
        lambda m: f"{m.group(1)}(모두 하면 약 {hours(total)} · 핵심 경로 약 {core}분)", text
    )
    return CORE_LINE.sub(lambda m: core_path_line(sections), text)


def stamp(root: Path) -> list[Path]:
    """Write the clock's times into every section title, the welcome and README; returns the
    files that changed."""
    import nbformat

    sections = course_times(root)
    changed = []
    for section in sections:
        (path,) = root.glob(f"source/*/{section.notebook}.ipynb")
        nb = nbformat.read(path, as_version=4)
        new = stamp_title(nb.cells[0].source, section)
        if new != nb.cells[0].source:
            nb.cells[0].source = new
            nbformat.write(nb, path)
            changed.append(path)
    welcome = root / "notebooks" / "00-welcome.ipynb"
    nb = nbformat.read(welcome, as_version=4)
    minutes = section_time(welcome).full
    touched = False
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            new = stamp_welcome(cell.source, sections, minutes)
            touched |= new != cell.source
            cell.source = new
    if touched:
        nbformat.write(nb, welcome)
        changed.append(welcome)
    readme = root / "README.md"
    text = readme.read_text(encoding="utf-8")
    new = stamp_rows(README_ROW, text, sections)
    if new != text:
        readme.write_text(new, encoding="utf-8")
        changed.append(readme)
    return changed


def report(root: Path) -> str:
    """Every section's parts and minutes, for `docker-course clock`."""
    lines = []
    for section in course_times(root):
        lines.append(f"{section.notebook}: about {section.full} min")
        for part in section.parts:
            mark = " (deep dive)" if part.deep else ""
            lines.append(f"    {part.minutes:5.1f} min  {part.title}{mark}")
        lines.append(f"    core path: {section.core} min" if section.core else "    core path: -")
    total = sum(s.full for s in course_times(root))
    core = sum(s.core for s in course_times(root))
    lines.append(f"all sections: about {total // 60} h {total % 60} min; core path: {core} min")
    return "\n".join(lines)
