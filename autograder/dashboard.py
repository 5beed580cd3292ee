"""The teacher's dashboard: how a graded class did, read from what ``docker-course grade`` leaves
in the course folder.

- ``gradebook.db`` (nbgrader's, read from a snapshot, never written): one score per real
  submission, and whether it still waits for manual grading. ``reports/grades.csv`` is not
  used: nbgrader's export has a 0 for every student who never handed the section in.
- ``reports/checks.csv``: one row per grade cell of each submission, with the message the
  student saw.
- ``.grading/journal.jsonl``: status, backend, seconds and problems of each submission; torn
  or invalid lines are skipped, a later line for the same submission wins.

Loading never raises for a missing file: :attr:`GradedCourse.notes` says what was missing,
and every figure and table of an empty course says there is nothing to show yet. Figures are
plain :class:`matplotlib.figure.Figure` objects on the Agg canvas (no pyplot, no GUI).
``notebooks/instructor-dashboard.ipynb`` shows them; ``docker-course dashboard`` saves them.
"""

from __future__ import annotations

import contextlib
import csv
import html
import json
import re
import sqlite3
import statistics
import tempfile
import unicodedata
import warnings
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import wraps
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from . import korean
from .errors import CourseError

GRADED = {"graded", "graded earlier"}
WARNINGS = (
    "audit overruled",
    "protected cells changed",
    "NO RESOURCE LIMITS",
    "NOT JAILED",
    "SHARED ENGINE",
    "stopped:",
)
CJK_FONTS = ("Noto Sans CJK KR", "Noto Sans CJK JP")
NO_RESULTS = (
    "{folder}에는 아직 채점 결과가 없습니다. `COURSE_DIR`에 과정 폴더(`submitted/`가 있는 곳)를 "
    "지정했는지 확인하고, `docker-course grade {folder}`를 먼저 실행하세요."
)


# --- what was read ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Submission:
    """One handed-in section and its score in the gradebook."""

    student: str
    section: str
    score: float
    max_score: float
    needs_manual_grade: bool = False


@dataclass(frozen=True)
class CheckRow:
    """One grade cell of one submission (a row of ``reports/checks.csv``)."""

    student: str
    section: str
    grade_id: str
    points: float
    max_points: float
    passed: bool
    message: str


@dataclass(frozen=True)
class JournalEntry:
    """The last journal line of one submission."""

    student: str
    section: str
    status: str
    backend: str
    seconds: float
    problems: tuple[str, ...]
    at: str = ""


@dataclass(frozen=True)
class GradedCourse:
    folder: Path
    submissions: tuple[Submission, ...]
    checks: tuple[CheckRow, ...]
    journal: tuple[JournalEntry, ...]
    notes: tuple[str, ...]  # what could not be read, for the teacher

    @property
    def empty(self) -> bool:
        return not (self.submissions or self.checks or self.journal)

    def _repr_html_(self) -> str:
        counts = (
            f"<b>{html.escape(str(self.folder))}</b>: 제출 {len(self.submissions)}개, "
            f"확인 셀 결과 {len(self.checks)}개, 채점 기록 {len(self.journal)}개"
        )
        notes = "".join(f"<li>{html.escape(n)}</li>" for n in self.notes)
        return f"<div>{counts}{f'<ul>{notes}</ul>' if notes else ''}</div>"

    def __str__(self) -> str:
        counts = (
            f"{self.folder}: 제출 {len(self.submissions)}개, 확인 셀 결과 {len(self.checks)}개, "
            f"채점 기록 {len(self.journal)}개"
        )
        return "\n".join([counts, *(f"! {n}" for n in self.notes)])


def load(folder: Path | str) -> GradedCourse:
    """Read a graded course folder; a missing or unreadable file is a note, never an exception."""
    folder = Path(folder).resolve()
    if not folder.is_dir():
        return GradedCourse(
            folder, (), (), (), (f"{folder} 폴더가 없습니다: `COURSE_DIR`를 확인하세요.",)
        )
    absent: list[str] = []  # files not there (yet), or empty
    broken: list[str] = []  # files there that could not be read
    submissions = _read(folder, "gradebook.db", read_gradebook, "점수", absent, broken)
    checks = _read(folder, "reports/checks.csv", read_checks, "확인 셀별 통과율", absent, broken)
    entries = _read(
        folder, ".grading/journal.jsonl", read_journal, "채점 시간과 상태", absent, broken
    )
    if not (submissions or checks or entries):
        absent = [NO_RESULTS.format(folder=folder)]
    return GradedCourse(
        folder, tuple(submissions), tuple(checks), tuple(entries), (*broken, *absent)
    )


def _read(
    folder: Path,
    name: str,
    reader: Callable[[Path], list],
    what: str,
    absent: list[str],
    broken: list[str],
) -> list:
    path = folder / name
    if not path.is_file():
        absent.append(f"{korean.particle(name, '이/가')} 없습니다 → {what} 없음.")
        return []
    try:
        found = reader(path)
    except (OSError, UnicodeError, csv.Error, sqlite3.Error, SQLAlchemyError) as exc:
        broken.append(
            f"{korean.particle(name, '을/를')} 읽을 수 없습니다 "
            f"({type(exc).__name__}: {exc}) → {what} 없음."
        )
        return []
    if not found:
        absent.append(f"{korean.particle(name, '이/가')} 비어 있습니다 → {what} 없음.")
    return found


def read_gradebook(path: Path) -> list[Submission]:
    """Every submission in nbgrader's gradebook.

    nbgrader's ``Gradebook`` writes on open (tables, a course row), so it opens a snapshot
    taken with SQLite's backup API from a read-only connection: the teacher's file is never
    written, and a grading run writing to it meanwhile does no harm.
    """
    from nbgrader.api import Gradebook

    with tempfile.TemporaryDirectory(prefix="dashboard-") as tmp:
        copy = Path(tmp) / "gradebook.db"
        with (
            contextlib.closing(
                sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
            ) as src,
            contextlib.closing(sqlite3.connect(copy)) as dst,
        ):
            src.backup(dst)
            tables = {name for (name,) in dst.execute("SELECT name FROM sqlite_master")}
        if "submitted_assignment" not in tables:
            return []  # not a gradebook nbgrader has written submissions to
        with Gradebook(f"sqlite:///{copy}", course_id="") as gb:
            return [
                Submission(
                    sub.student_id,
                    assignment.name,
                    float(sub.score or 0.0),
                    float(sub.max_score or 0.0),
                    bool(sub.needs_manual_grade),
                )
                for assignment in gb.assignments
                for sub in sorted(assignment.submissions, key=lambda s: s.student_id)
            ]


def read_checks(path: Path) -> list[CheckRow]:
    """The rows of ``reports/checks.csv``; a row without student, assignment or cell is skipped."""
    found = []
    with open(path, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            student, section, grade_id = (
                (row.get(k) or "").strip() for k in ("student", "assignment", "grade_id")
            )
            if not (student and section and grade_id):
                continue
            found.append(
                CheckRow(
                    student,
                    section,
                    grade_id,
                    _number(row.get("points")),
                    _number(row.get("max_points")),
                    (row.get("passed") or "").strip().lower() == "true",
                    row.get("message") or "",
                )
            )
    return found


def read_journal(path: Path) -> list[JournalEntry]:
    """The last valid line of each (student, section); torn or malformed lines are skipped."""
    latest: dict[tuple[str, str], JournalEntry] = {}
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        entry = _journal_entry(line)
        if entry is not None:
            latest[(entry.student, entry.section)] = entry
    return sorted(latest.values(), key=lambda e: (e.section, e.student))


def _journal_entry(line: str) -> JournalEntry | None:
    try:
        raw = json.loads(line)
    except ValueError:
        return None
    if not isinstance(raw, dict):
        return None
    student, section, status = raw.get("student"), raw.get("assignment"), raw.get("status")
    problems = raw.get("problems") or []
    seconds = raw.get("seconds", 0.0)
    if not all(isinstance(x, str) and x for x in (student, section, status)):
        return None
    if not isinstance(problems, list) or not isinstance(seconds, int | float):
        return None
    return JournalEntry(
        student,
        section,
        status,
        str(raw.get("backend", "")),
        float(seconds),
        tuple(str(p) for p in problems),
        str(raw.get("at", "")),
    )


def _number(text: str | None) -> float:
    try:
        return float(text or 0.0)
    except ValueError:
        return 0.0


# --- what it means ---------------------------------------------------------------------------
@dataclass(frozen=True)
class SectionScores:
    section: str
    max_score: float
    scores: tuple[float, ...]
    manual_pending: int  # submissions whose manually graded cells are not graded yet

    @property
    def percents(self) -> tuple[float, ...]:
        return tuple(100.0 * s / self.max_score if self.max_score else 0.0 for s in self.scores)


@dataclass(frozen=True)
class CheckStat:
    section: str
    grade_id: str
    passed: int
    total: int
    top_failure: str  # the most common failure headline ("" when every submission passed)
    top_failure_count: int

    @property
    def rate(self) -> float:
        return self.passed / self.total if self.total else 0.0

    @property
    def label(self) -> str:
        return f"{self.section} · {self.grade_id}"


@dataclass(frozen=True)
class Flag:
    """A submission the teacher should look at."""

    student: str
    section: str
    status: str
    backend: str
    problems: str


def section_scores(course: GradedCourse) -> list[SectionScores]:
    by_section: dict[str, list[Submission]] = defaultdict(list)
    for sub in course.submissions:
        by_section[sub.section].append(sub)
    return [
        SectionScores(
            section,
            max((s.max_score for s in subs), default=0.0),
            tuple(s.score for s in subs),
            sum(s.needs_manual_grade for s in subs),
        )
        for section, subs in sorted(by_section.items())
    ]


def core_scores(course: GradedCourse) -> list[SectionScores]:
    """Each section's scores on the core path only (the grade cells outside `(심화)` parts of
    the course's own notebooks), added up from ``reports/checks.csv``; sections the core path
    skips are left out."""
    from . import clock

    core = {s: clock.core_cells(course.folder, s) for s in {c.section for c in course.checks}}
    points: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0.0])
    for c in course.checks:
        if c.grade_id in core[c.section]:
            points[(c.section, c.student)][0] += c.points
            points[(c.section, c.student)][1] += c.max_points
    by_section: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for (section, _), (score, max_score) in sorted(points.items()):
        by_section[section].append((score, max_score))
    return [
        SectionScores(
            section,
            max((m for _, m in found), default=0.0),
            tuple(s for s, _ in found),
            0,
        )
        for section, found in sorted(by_section.items())
    ]


def check_stats(course: GradedCourse) -> list[CheckStat]:
    """Pass rate of every grade cell, hardest first, with its most common failure.

    Submissions without a notebook (journal status ``missing``) are left out: they tried
    nothing, and they are listed by :func:`flagged`.
    """
    absent = {(e.student, e.section) for e in course.journal if e.status == "missing"}
    rows: dict[tuple[str, str], list[CheckRow]] = defaultdict(list)
    for row in course.checks:
        if (row.student, row.section) not in absent:
            rows[(row.section, row.grade_id)].append(row)
    stats = []
    for (section, grade_id), found in rows.items():
        failures = Counter(headline(r.message) for r in found if not r.passed)
        top, count = failures.most_common(1)[0] if failures else ("", 0)
        stats.append(
            CheckStat(section, grade_id, sum(r.passed for r in found), len(found), top, count)
        )
    return sorted(stats, key=lambda s: (s.rate, s.section, s.grade_id))


def submission_times(course: GradedCourse) -> dict[str, list[float]]:
    """Seconds of grading per submission, by section (submissions without a notebook left out)."""
    found: dict[str, list[float]] = defaultdict(list)
    for entry in course.journal:
        if entry.status != "missing":
            found[entry.section].append(entry.seconds)
    return dict(sorted(found.items()))


def flagged(course: GradedCourse) -> list[Flag]:
    """Submissions not graded normally, or graded with a warning: failures first."""
    found = [
        Flag(e.student, e.section, e.status, e.backend, "; ".join(e.problems))
        for e in course.journal
        if e.status not in GRADED or any(_warns(p) for p in e.problems)
    ]
    return sorted(found, key=lambda f: (f.status in GRADED, f.section, f.student))


def _warns(problem: str) -> bool:
    return any(w.lower() in problem.lower() for w in WARNINGS)


_LONG_PATH = re.compile(r"(?<![\w:/])/(?:[^\s/'\"]+/){2,}([^\s/'\"]+/[^\s/'\"]+)")


def headline(message: str) -> str:
    """What a teacher reads first in a failure: its first ``✗ …`` title, else its first line.

    ``checks.csv`` flattens the message's lines into runs of spaces; both forms work. Long
    absolute paths keep their last two parts, so the same failure in every student's own
    work folder counts as one.
    """
    text = message.strip()
    if "✗" in text:
        text = text[text.index("✗") :]
    first = re.split(r"\n|\s{3,}|\s기대:", text, maxsplit=1)[0].strip() if text else ""
    return _LONG_PATH.sub(r"…/\1", first) or "(메시지 없음)"


# --- tables ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Table:
    """Rows under a header; renders as HTML in a notebook and as aligned text elsewhere."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    empty: str = "표시할 것이 없습니다."

    def _repr_html_(self) -> str:
        if not self.rows:
            return f"<p>{html.escape(self.empty)}</p>"
        head = "".join(f"<th style='text-align:left'>{html.escape(h)}</th>" for h in self.header)
        body = "".join(
            "<tr>"
            + "".join(f"<td style='text-align:left'>{html.escape(c)}</td>" for c in r)
            + "</tr>"
            for r in self.rows
        )
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

    def __str__(self) -> str:
        if not self.rows:
            return self.empty
        lines = (self.header, *self.rows)
        widths = [max(map(_columns, col)) for col in zip(*lines, strict=True)]
        return "\n".join(
            "  ".join(c + " " * (w - _columns(c)) for c, w in zip(r, widths, strict=True)).rstrip()
            for r in lines
        )


def _columns(text: str) -> int:
    """Terminal columns of ``text``: Hangul and other wide characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def scores_table(found: Sequence[SectionScores]) -> Table:
    return Table(
        ("장", "제출", "만점", "평균", "중앙값", "최저", "최고", "수동 채점 대기"),
        tuple(
            (
                s.section,
                str(len(s.scores)),
                f"{s.max_score:g}",
                f"{statistics.mean(s.scores):.1f}",
                f"{statistics.median(s.scores):g}",
                f"{min(s.scores):g}",
                f"{max(s.scores):g}",
                str(s.manual_pending) if s.manual_pending else "-",
            )
            for s in found
            if s.scores
        ),
        empty="점수가 없습니다.",
    )


def checks_table(found: Sequence[CheckStat]) -> Table:
    return Table(
        ("장", "확인 셀", "통과", "가장 흔한 실패", "횟수"),
        tuple(
            (
                s.section,
                s.grade_id,
                f"{s.passed}/{s.total} ({100 * s.rate:.0f}%)",
                s.top_failure or "-",
                str(s.top_failure_count) if s.top_failure_count else "-",
            )
            for s in found
        ),
        empty="확인 셀 결과(reports/checks.csv)가 없습니다.",
    )


def times_table(found: dict[str, list[float]]) -> Table:
    return Table(
        ("장", "제출", "중앙값 (초)", "최대 (초)", "합계 (초)"),
        tuple(
            (
                section,
                str(len(secs)),
                f"{statistics.median(secs):.1f}",
                f"{max(secs):.1f}",
                f"{sum(secs):.0f}",
            )
            for section, secs in found.items()
            if secs
        ),
        empty="채점 기록(.grading/journal.jsonl)이 없습니다.",
    )


def flagged_table(found: Sequence[Flag]) -> Table:
    return Table(
        ("학생", "장", "상태", "백엔드", "문제"),
        tuple((f.student, f.section, f.status, f.backend, f.problems or "-") for f in found),
        empty="살펴볼 제출이 없습니다.",
    )


# --- figures ---------------------------------------------------------------------------------
def korean_font() -> str | None:
    """The first installed CJK font matplotlib knows (``fonts-noto-cjk``), else None."""
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in names), None)


def _korean(make: Callable[..., Any]) -> Callable[..., Any]:
    """Build the figure with a Korean font; without one, drop matplotlib's missing-glyph
    warnings (boxes instead of Hangul, but nothing on stderr)."""

    @wraps(make)
    def build(*args: Any, **kwargs: Any) -> Any:
        import matplotlib

        font = korean_font()
        if font is None:
            warnings.filterwarnings("ignore", message=r"Glyph \d+ .*missing from font")
        # concrete names: a Text keeps its family list, and "sans-serif" would be looked up
        # again at draw time, after this context is gone
        families = [font, "DejaVu Sans"] if font else ["DejaVu Sans"]
        with matplotlib.rc_context({"font.family": families}):
            return make(*args, **kwargs)

    return build


def _figure(width: float, height: float):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _plain(text: str) -> str:
    """Text that matplotlib shows as written ($ would start mathtext)."""
    return text.replace("$", r"\$")


def _nothing(ax, what: str) -> None:
    ax.text(0.5, 0.5, _plain(what), ha="center", va="center", transform=ax.transAxes, wrap=True)
    ax.set_xticks([])
    ax.set_yticks([])


def _box_with_points(ax, groups: dict[str, Sequence[float]]) -> None:
    """A box plot per group with every value drawn on it (classes are small)."""
    names = list(groups)
    ax.boxplot([groups[n] for n in names], widths=0.5, showfliers=False)
    for i, name in enumerate(names, 1):
        values = groups[name]
        offsets = [((k % 5) - 2) * 0.06 for k in range(len(values))]
        ax.scatter([i + o for o in offsets], values, s=18, alpha=0.7, color="#1f6feb", zorder=3)
    ax.set_xticks(
        range(1, len(names) + 1),
        [_plain(n) for n in names],
        rotation=35,
        ha="right",
        rotation_mode="anchor",
    )
    ax.grid(axis="y", alpha=0.3)


@_korean
def scores_figure(found: Sequence[SectionScores], ax=None):
    """Scores per section in percent of the section's maximum: a box and every submission."""
    fig = _figure(7, 3.6) if ax is None else ax.figure
    ax = ax if ax is not None else fig.add_subplot()
    groups = {s.section: s.percents for s in found if s.scores}
    ax.set_title("장별 점수 (만점 대비 %)")
    if not groups:
        _nothing(ax, "점수가 없습니다: `docker-course grade`를 먼저 실행하세요.")
        return fig
    _box_with_points(ax, groups)
    ax.set_ylim(-5, 105)
    ax.set_ylabel("점수 (%)")
    return fig


@_korean
def times_figure(found: dict[str, list[float]], ax=None):
    """Seconds of grading per submission, per section."""
    fig = _figure(7, 3.6) if ax is None else ax.figure
    ax = ax if ax is not None else fig.add_subplot()
    groups = {section: secs for section, secs in found.items() if secs}
    ax.set_title("제출 하나의 채점 시간")
    if not groups:
        _nothing(ax, "채점 기록(.grading/journal.jsonl)이 없습니다.")
        return fig
    _box_with_points(ax, groups)
    ax.set_ylim(bottom=0)
    ax.set_ylabel("초")
    return fig


@_korean
def pass_rates_figure(found: Sequence[CheckStat], *, limit: int | None = None, ax=None):
    """Pass rate of each check as a horizontal bar, hardest on top, its most common failure
    written beside it."""
    shown = list(found)[:limit] if limit else list(found)
    fig = _figure(11, 1.2 + 0.32 * max(len(shown), 3)) if ax is None else ax.figure
    ax = ax if ax is not None else fig.add_subplot()
    title = "확인 셀별 통과율 (어려운 순)"
    ax.set_title(
        title if len(shown) == len(found) else f"{title}: {len(found)}개 중 {len(shown)}개"
    )
    if not shown:
        _nothing(ax, "확인 셀 결과(reports/checks.csv)가 없습니다.")
        return fig
    ys = range(len(shown))
    rates = [100 * s.rate for s in shown]
    colors = ["#cf222e" if r < 50 else "#bf8700" if r < 80 else "#1a7f37" for r in rates]
    ax.barh(ys, rates, color=colors, height=0.7)
    ax.set_yticks(ys, [_plain(s.label) for s in shown], fontsize=8)
    ax.set_ylim(len(shown) - 0.5, -0.5)  # hardest on top
    ax.set_xlim(0, 100)
    ax.set_xlabel("통과한 제출 (%)")
    ax.grid(axis="x", alpha=0.3)
    for y, stat in zip(ys, shown, strict=True):
        note = f"{stat.passed}/{stat.total}"
        if stat.top_failure:
            note += f"   {_shorten(stat.top_failure, 70)} (×{stat.top_failure_count})"
        ax.text(1.02, y, _plain(note), transform=ax.get_yaxis_transform(), va="center", fontsize=8)
    return fig


@_korean
def flagged_figure(found: Sequence[Flag], ax=None):
    """The flagged submissions as lines of text (for a saved overview; notebooks use the table)."""
    fig = _figure(11, 0.8 + 0.25 * max(len(found), 1)) if ax is None else ax.figure
    ax = ax if ax is not None else fig.add_subplot()
    ax.set_title("살펴볼 제출", loc="left")
    ax.axis("off")
    lines = [
        f"{f.student} · {f.section} · {f.status}"
        + (f" — {_shorten(f.problems, 90)}" if f.problems else "")
        for f in found
    ] or ["없음"]
    ax.text(
        0,
        1,
        _plain("\n".join(lines)),
        va="top",
        fontsize=8,
        transform=ax.transAxes,
        linespacing=1.5,
    )
    return fig


@_korean
def overview_figure(course: GradedCourse, *, checks: int = 15):
    """Scores, grading times, the ``checks`` hardest checks and the flagged submissions in one
    figure (the dashboard's picture for a README or an e-mail)."""
    stats, flags = check_stats(course), flagged(course)
    heights = [4.2, 1.2 + 0.3 * max(min(len(stats), checks), 3), 0.6 + 0.2 * max(len(flags), 1)]
    fig = _figure(13, sum(heights))
    fig.suptitle(f"채점 결과 — {course.folder.name}", fontsize=13)
    top, middle, bottom = fig.subfigures(3, 1, height_ratios=heights)
    left, right = top.subplots(1, 2)
    scores_figure(section_scores(course), ax=left)
    times_figure(submission_times(course), ax=right)
    pass_rates_figure(stats, limit=checks, ax=middle.subplots())
    flagged_figure(flags, ax=bottom.subplots())
    return fig


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


# --- command line ----------------------------------------------------------------------------
def main(
    course: Path,
    *,
    png: Path | None = None,
    checks: int = 15,
    echo: Callable[[str], None] = print,
) -> GradedCourse:
    """Print the dashboard's tables for ``course``; with ``png``, save its overview figure."""
    found = load(course)
    if found.empty:
        raise CourseError(
            f"no grading results in {found.folder}",
            fix=f"run `docker-course grade {found.folder}` first",
        )
    echo(str(found))
    for title, table in _tables(found):
        echo(f"\n{title}\n{table}")
    if png is not None:
        png.parent.mkdir(parents=True, exist_ok=True)
        overview_figure(found, checks=checks).savefig(png, dpi=110)
        echo(f"\n✓ {png}")
    return found


def _tables(course: GradedCourse) -> Iterable[tuple[str, Table]]:
    yield "장별 점수", scores_table(section_scores(course))
    yield "핵심 경로 점수 (심화 제외)", scores_table(core_scores(course))
    yield "확인 셀별 통과율 (어려운 순)", checks_table(check_stats(course))
    yield "채점 시간", times_table(submission_times(course))
    yield "살펴볼 제출", flagged_table(flagged(course))
