"""Every dashboard figure renders to PNG, with data or without, and says nothing on stderr:
with a CJK font and, when there is none, without one."""

from __future__ import annotations

import gc
import io
import warnings
from pathlib import Path

import pytest

from autograder import dashboard as d

SCORES = [d.SectionScores("01-concepts", 10.0, (10.0, 7.0, 0.0), 0)]
CHECKS = [
    d.CheckStat("01-concepts", "check-write", 1, 3, "✗ 컨테이너 concept-a 가 실행 중이다", 2),
    d.CheckStat("01-concepts", "check-q1", 3, 3, "", 0),
]
TIMES = {"01-concepts": [6.5, 7.9, 41.0]}
FLAGS = [d.Flag("bob", "01-concepts", "limit", "rootless", "stopped: 메모리 $HOME 2 GB $")]


def _figures(course: d.GradedCourse):
    yield d.scores_figure(SCORES)
    yield d.pass_rates_figure(CHECKS)
    yield d.times_figure(TIMES)
    yield d.flagged_figure(FLAGS)
    yield d.overview_figure(course)
    yield from (d.scores_figure([]), d.pass_rates_figure([]), d.times_figure({}))


def _render_all(tmp_path: Path) -> list[str]:
    """Warnings seen while drawing every figure (each to PNG bytes)."""
    gc.collect()  # garbage of earlier tests (an unclosed socket) is not the figures' warning
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        for fig in _figures(d.load(tmp_path)):
            out = io.BytesIO()
            fig.savefig(out, format="png")
            assert out.getvalue().startswith(b"\x89PNG"), f"{fig} did not render a PNG"
    return [str(w.message) for w in seen]


def test_figures_render_silently(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    assert _render_all(tmp_path) == [], f"font in use: {d.korean_font()}"
    assert capfd.readouterr().err == ""


def test_without_a_cjk_font_figures_still_render_silently(
    tmp_path: Path, capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(d, "korean_font", lambda: None)
    assert _render_all(tmp_path) == []
    assert capfd.readouterr().err == ""
