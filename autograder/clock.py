"""How long a section takes a beginner: the course's clock, computed from the notebooks.

The method (README, "How long the course takes"):

- reading: the Korean prose of markdown cells at :data:`READ_CHARS_PER_MIN` characters (not
  counting spaces) a minute — a beginner reading technical text with code in it;
- each hands-on task (a solution cell): :data:`TASK_MIN` minutes — type it, run it, read the
  check, fix one mistake;
- each quiz question (a variable ``qN`` set in a solution cell): :data:`QUESTION_MIN` minute;
- every other code cell the student runs (setup, show, check, panels): :data:`CELL_MIN`.

A subsection whose heading ends in ``(심화)`` is a deep dive: graded like the rest, but not on
the **core path**, which is what a class with 40 minutes does. Sections and the whole course
get both times, rounded up to whole minutes.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

READ_CHARS_PER_MIN = 500
TASK_MIN = 3.0
QUESTION_MIN = 1.0
CELL_MIN = 0.25
DEEP = "(심화)"
HEADING = re.compile(r"^(#{1,3}) (.+)$", re.M)
QUESTION = re.compile(r"^\s*q\d+\s*=", re.M)


@dataclass
class Part:
    """A subsection: its heading and the minutes of what it holds."""

    title: str
    deep: bool
    minutes: float = 0.0
    grade_ids: list[str] = field(default_factory=list)  # its graded cells


@dataclass(frozen=True)
class SectionTime:
    notebook: str
    parts: tuple[Part, ...]

    @property
    def full(self) -> int:
        """Minutes for everything, rounded up to 5 (what the notebook's title says)."""
        return rounded(sum(p.minutes for p in self.parts))

    @property
    def core(self) -> int:
        """Minutes without the deep dives, rounded up to 5."""
        return rounded(sum(p.minutes for p in self.parts if not p.deep))

    @property
    def deep_grade_ids(self) -> list[str]:
        return [g for p in self.parts if p.deep for g in p.grade_ids]


def rounded(minutes: float) -> int:
    """Up to the next 5 minutes: a clock a student can plan with."""
    return 5 * math.ceil(minutes / 5 - 1e-9)


def cell_minutes(cell: dict) -> float:
    source = cell.get("source", "")
    source = "".join(source) if isinstance(source, list) else source
    meta = cell.get("metadata", {}).get("nbgrader", {})
    if cell.get("cell_type") == "markdown":
        if meta.get("solution"):  # a written answer
            return TASK_MIN
        return len(re.sub(r"\s", "", source)) / READ_CHARS_PER_MIN
    if cell.get("cell_type") != "code":
        return 0.0
    if meta.get("solution"):
        questions = len(QUESTION.findall(source))
        return questions * QUESTION_MIN if questions else TASK_MIN
    return CELL_MIN


def section_time(notebook: Path) -> SectionTime:
    """The section's parts (the text before the first ``##`` heading is a part of its own)."""
    cells = json.loads(notebook.read_text(encoding="utf-8")).get("cells", [])
    parts = [Part("(시작)", deep=False)]
    for cell in cells:
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        if cell.get("cell_type") == "markdown":
            for level, title in HEADING.findall(source):
                if len(level) == 2:  # "## 3-5. …": a new subsection
                    parts.append(Part(title.strip(), deep=title.strip().endswith(DEEP)))
        parts[-1].minutes += cell_minutes(cell)
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade") and meta.get("grade_id"):
            parts[-1].grade_ids.append(meta["grade_id"])
    return SectionTime(notebook.stem, tuple(p for p in parts if p.minutes or p.grade_ids))


def course_times(root: Path) -> list[SectionTime]:
    """Every section of ``source/`` (the teacher's notebooks: what students get, solved)."""
    return [section_time(p) for p in sorted(root.glob("source/0[0-9]-*/0*.ipynb"))]


TITLE = re.compile(r"^(# \d+\. .+?) \((?:약 )?\d+분\)$", re.M)
ROW = re.compile(r"^(\| `(0\d-[\w-]+)` \| )(?:약 )?\d+분( \|)", re.M)
TOTAL = re.compile(r"(## 2\. 과정 구성 )\([^)\n]*\)")


def hours(minutes: int) -> str:
    h, m = divmod(minutes, 60)
    return f"{h}시간 {m}분" if h and m else f"{h}시간" if h else f"{m}분"


def stamp_title(markdown: str, minutes: int) -> str:
    """'# 2. 실습 1 — … (약 30분)' on the section's first heading."""
    return TITLE.sub(lambda m: f"{m.group(1)} (약 {minutes}분)", markdown, count=1)


def stamp_table(markdown: str, times: dict[str, int], welcome: int) -> str:
    """The welcome's table of sections: each row's minutes, and the total in its heading."""
    text = ROW.sub(
        lambda m: (
            f"{m.group(1)}약 {times[m.group(2)]}분{m.group(3)}"
            if m.group(2) in times
            else m.group(0)
        ),
        markdown,
    )
    total = welcome + sum(times.values())
    return TOTAL.sub(lambda m: f"{m.group(1)}(모두 하면 약 {hours(total)})", text)


def report(root: Path) -> str:
    """Every section's parts and minutes, for `docker-course clock`."""
    lines = []
    for section in course_times(root):
        lines.append(f"{section.notebook}: about {section.full} min")
        for part in section.parts:
            mark = " (deep dive)" if part.deep else ""
            lines.append(f"    {part.minutes:5.1f} min  {part.title}{mark}")
    total = sum(s.full for s in course_times(root))
    lines.append(f"all sections: about {total // 60} h {total % 60} min")
    return "\n".join(lines)
