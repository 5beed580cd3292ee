"""Figure 4, growth: ``docker-course grade -j 2`` of classes of 5, 10 and 20 submissions (the
same mix: the first N of figure 2's class; 20 is figure 2's run), least-squares line."""

from __future__ import annotations

import common
import grading
from common import say

LINEAR_R2 = 0.98


def sizes(settings: common.Settings) -> tuple[int, ...]:
    return (2, 4) if settings.quick else (5, 10, 20)


def run(settings: common.Settings, shared: dict) -> dict:
    wanted = sizes(settings)
    say(f"figure 4: grading classes of {', '.join(map(str, wanted))}")
    points = []
    for n in sorted(wanted, reverse=True):  # the largest is figure 2's run, usually done
        got = grading.class_run(settings, shared, n)
        points.append((n, got["wall"], got["phases"]))
    points.sort()
    return {"points": points}


def markdown(res: dict) -> tuple[list[str], str]:
    xs = [float(n) for n, _, _ in res["points"]]
    ys = [w for _, w, _ in res["points"]]
    a, b, r2 = common.linear_fit(xs, ys)
    linear = r2 >= LINEAR_R2
    steps = [
        (ys[i + 1] - ys[i]) / (xs[i + 1] - xs[i]) for i in range(len(xs) - 1) if xs[i + 1] > xs[i]
    ]
    headline = [
        "4. Growth (grade -j 2, classes of " + ", ".join(f"{x:g}" for x in xs) + ")",
        f"{b:.2f} s/submission + {a:.1f} s, R² {r2:.3f}",
        "linear",
        "✓" if linear else "✗",
    ]
    pool = [p.get("grading (the worker pool)", 0.0) for _, _, p in res["points"]]
    pa, pb, pr2 = common.linear_fit(xs, pool)
    lines = [
        "## 4. Growth",
        "",
        f"Least squares over {len(xs)} class sizes (one run each): **{b:.2f} s per submission**, "
        f"intercept {a:.1f} s, R² = {r2:.3f} → "
        + ("linear" if linear else f"not clearly linear (R² < {LINEAR_R2})")
        + ". Marginal cost between consecutive sizes: "
        + ", ".join(f"{s:.2f} s/submission" for s in steps)
        + f". The worker pool alone: {pb:.2f} s/submission + {pa:.1f} s (R² {pr2:.3f}).",
        "",
        common.table(
            ["submissions", "wall time", "s per submission", "worker pool", "outside the pool"],
            [
                (f"{n}", f"{w:.1f} s", f"{w / n:.2f}", f"{p:.1f} s", f"{w - p:.1f} s")
                for (n, w, _), p in zip(res["points"], pool, strict=True)
            ],
        ),
        "",
        "Each class is the first N submissions of figure 2's class (student by student, both "
        "assignments), so every size holds the same mix; the 20 is figure 2's run.",
    ]
    return headline, "\n".join(lines)
