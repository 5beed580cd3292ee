"""Figure 9, the grading farm (docs/farm.md; 9 because main's figure 8 compares the rootless
engines): grading hosts on this one machine
(:mod:`autograder.farm.hosts`: each ``docker-course worker -c 1`` in network, mount and pid
namespaces of its own, Redis on a unix socket with an append-only file), and the teacher's side
(``grade --farm``'s code, ``farm.client.grade``) in this process.

- Queue overhead per submission: enqueue → start (sent to Redis → a worker slot begins it) and
  result → merged (the worker finished → the teacher merged and journaled it), as a share of
  the grading in between. Enqueue → start counts only the submissions that found an idle host
  (the others waited for one: queueing, not overhead).
- Throughput with 1, 2 and 3 hosts on the same submissions, and the model for N hosts.
- The same on a class's mix (:data:`MIX`: every section, a full-marks, a partial and a blank
  submission of each, 04 and 06 the longest included) on 1 and 3 hosts, and the wait for each
  submission's engine (``Outcome.lease_seconds``: a slot keeps the next engine warm).

``python bench/farm.py`` runs it alone and prints the markdown.
"""

from __future__ import annotations

import contextlib
import shutil
import sys
import time
from pathlib import Path
from unittest import mock

import common
from common import ROOT, say

TARGET = 0.02  # queue overhead ÷ grading time
SUBMISSIONS = (
    ("perfect", "07-review"),
    ("partial", "07-review"),
    ("blank", "07-review"),
    ("sdk_only", "07-review"),
    ("perfect", "02-build-run"),
    ("sdk_only", "02-build-run"),
)
SECTIONS = ("01-concepts", "02-build-run", "03-commit-save-load", "04-layers",
            "05-volumes", "06-best-practices", "07-review")  # fmt: skip
# a class's mix: each section, a student with every point, one with some, one with none
MIX = tuple((student, a) for a in SECTIONS for student in ("perfect", "partial", "blank"))
CLASS = 2100  # 300 students × 7 sections (issue 16)


def course_template(where: Path, submissions=SUBMISSIONS) -> Path:
    from autograder import demo

    course = demo.build(where, ROOT, only=sorted({a for _, a in submissions}))
    for folder in sorted((course / "submitted").glob("*/*")):
        if (folder.parent.name, folder.name) not in submissions:
            shutil.rmtree(folder)
    found = {(p.parent.name, p.name) for p in (course / "submitted").glob("*/*")}
    if found != set(submissions):
        raise common.BenchBroken(f"the demo class has no {sorted(set(submissions) - found)}")
    return course


def grade_timed(course: Path, url: str, submissions=SUBMISSIONS) -> dict:
    """Grade ``submissions`` of ``course`` on the farm at ``url``; per submission the moments
    it was sent, started, finished, received and merged (``time.time()``, one clock), and how
    long its lease waited for the engine."""
    import threading

    from autograder.farm import client, payload, tasks
    from autograder.grade import Merger
    from autograder.grading.journal import Journal
    from autograder.grading.limits import Limits
    from autograder.grading.worker import Job

    times: dict[tuple[str, str], dict[str, float]] = {}
    real_send, real_outcome_of = tasks.send, payload.outcome_of

    def send(app, message):
        times.setdefault((message["student"], message["assignment"]), {})["sent"] = time.time()
        return real_send(app, message)

    def outcome_of(result, scratch):
        t = times.setdefault((result["student"], result["assignment"]), {})
        t.update(started=result["started"], finished=result["finished"], received=time.time())
        t["lease"] = float(result.get("lease_seconds", 0.0))
        return real_outcome_of(result, scratch)

    class TimedMerger(Merger):
        def __call__(self, outcome, *, fingerprint=None):
            merged = super().__call__(outcome, fingerprint=fingerprint)
            times[(outcome.job.student, outcome.job.assignment)]["merged"] = time.time()
            return merged

    jobs = [Job(s, a) for s, a in submissions]
    merger = TimedMerger(course, Journal(course), threading.Lock())
    with mock.patch.object(tasks, "send", send), mock.patch.object(
        payload, "outcome_of", outcome_of
    ):  # fmt: skip
        t0 = time.monotonic()
        outcomes = client.grade(
            course, jobs, url, time_limit=900, limits=Limits(), merger=merger, echo=say
        )
        wall = time.monotonic() - t0
    bad = [f"{o.job.student}/{o.job.assignment}: {o.status}" for o in outcomes]
    bad = [b for b, o in zip(bad, outcomes, strict=True) if o.status != "graded"]
    if bad or len(outcomes) != len(jobs):
        raise common.BenchBroken(f"the farm did not grade every submission: {bad or outcomes}")
    return {"wall": wall, "times": {f"{s}/{a}": t for (s, a), t in times.items()}}


def run(settings: common.Settings, shared: dict) -> dict:
    from autograder.farm.hosts import Farm

    sizes = (1, 3) if settings.quick else (1, 2, 3)
    mixed = (3,) if settings.quick else (1, 3)
    say(f"figure 9: the farm, {len(SUBMISSIONS)} submissions on {', '.join(map(str, sizes))} "
        f"hosts, a class's mix of {len(MIX)} on {', '.join(map(str, mixed))}")  # fmt: skip
    template = course_template(settings.tmp / "farm-course")
    mix_template = course_template(settings.tmp / "farm-mix", MIX)
    runs, mix = {}, {}
    for n in sizes:
        course = settings.tmp / f"farm-course-{n}"
        shutil.copytree(template, course)
        farm = Farm(settings.tmp / f"farm-{n}", hosts=n)
        with farm:
            runs[n] = grade_timed(course, farm.url)
            say(f"  {n} host(s): {len(SUBMISSIONS)} submissions in {runs[n]['wall']:.1f} s")
            if n in mixed:  # on the same hosts, after: their engines' templates are made
                course = settings.tmp / f"farm-mix-{n}"
                shutil.copytree(mix_template, course)
                mix[n] = grade_timed(course, farm.url, MIX)
                say(f"  {n} host(s): the mix of {len(MIX)} in {mix[n]['wall']:.1f} s")
        if farm.leaks:
            raise common.BenchBroken(f"the farm's hosts left behind: {farm.leaks}")
    return {"runs": runs, "n": len(SUBMISSIONS), "mix": {"runs": mix, "n": len(MIX)}}


def pieces(res: dict) -> dict[str, list[float]]:
    """Per-submission seconds of each part, over every run (enqueue → start: idle hosts only;
    lease: the wait for the engine inside grading, a cold one on each slot's first task)."""
    out: dict[str, list[float]] = {
        "dispatch": [], "grading": [], "transit": [], "merge": [], "lease": []
    }  # fmt: skip
    for hosts, one in res["runs"].items():
        rows = list(one["times"].values())
        waits = sorted(r["started"] - r["sent"] for r in rows)
        out["dispatch"] += waits[: int(hosts)]  # the first wave: a host was idle for each
        for r in rows:
            out["grading"].append(r["finished"] - r["started"])
            out["transit"].append(r["received"] - r["finished"])
            out["merge"].append(r["merged"] - r["received"])
            out["lease"] += [r["lease"]] if "lease" in r else []
    return out


def mix_markdown(res: dict) -> list[str]:
    """The class's mix: overhead share, grading and lease wait per submission, throughput."""
    p = {k: common.summary(v) for k, v in pieces(res).items()}
    overhead = p["dispatch"].median + p["transit"].median + p["merge"].median
    runs = {int(k): v for k, v in res["runs"].items()}
    return [
        "",
        f"**A class's mix.** {res['n']} submissions: every section, a full-marks, a partial "
        "and a blank one each (`04-layers` and `06-best-practices`, the longest, included), on the "
        "same hosts after the cheap ones.",
        "",
        common.table(
            ["per submission", "median and spread", "what"],
            [
                ("grading", p["grading"].fmt(), "the slot's whole task"),
                ("lease wait", p["lease"].fmt(), "engine and jail up (warm after a slot's first)"),
                ("queue overhead", f"{overhead:.2f} s", "enqueue → start + result → merged"),
            ],
        ),
        "",
        f"Queue overhead ÷ grading: **{overhead / p['grading'].median:.1%}** "
        f"(target ≤ {TARGET:.0%}). Throughput: "
        + ", ".join(
            f"{n} host{'s' if n > 1 else ''} {res['n'] / r['wall'] * 60:.1f} per minute "
            f"({r['wall']:.0f} s)"
            for n, r in sorted(runs.items())
        )
        + ".",
    ]


def share_of(res: dict) -> float:
    """Queue overhead (enqueue → start + result → merged) ÷ grading, medians of ``res``."""
    m = {k: common.summary(v).median for k, v in pieces(res).items()}
    return (m["dispatch"] + m["transit"] + m["merge"]) / m["grading"]


def verdict_share(res: dict) -> float:
    """The share the target is judged on: the class's mix (what a teacher grades) if it was
    measured, else the cheap submissions."""
    mix = res.get("mix", {})
    return share_of(mix) if mix.get("runs") else share_of(res)


def markdown(res: dict) -> tuple[list[str], str]:
    p = {k: common.summary(v) for k, v in pieces(res).items()}
    overhead = p["dispatch"].median + p["transit"].median + p["merge"].median
    share = overhead / p["grading"].median
    runs = {int(k): v for k, v in res["runs"].items()}
    rate = {n: res["n"] / r["wall"] * 60 for n, r in sorted(runs.items())}
    best = max(rate.values())
    mix_share = verdict_share(res)
    said = f"{share:.1%} on the {res['n']} cheapest"
    if res.get("mix", {}).get("runs"):
        said = f"{mix_share:.1%} on a class's mix of {res['mix']['n']} ({said})"
    headline = [
        "9. Farm: queue overhead ÷ grading; throughput 1/2/3 hosts",
        f"{said}; " + " / ".join(f"{r:.1f}" for r in rate.values()) + " per min",
        f"≤ {TARGET:.0%}",
        common.verdict(mix_share, TARGET),
    ]
    merge = p["merge"].median
    ceiling = 60 / merge if merge > 0 else float("inf")
    lines = [
        "## 9. The grading farm",
        "",
        f"{res['n']} demo-class submissions (`07-review` × 4, `02-build-run` × 2) graded through "
        "Redis (unix socket, append-only) by grading hosts on this machine: each a "
        "`docker-course worker -c 1` in network, mount and pid namespaces of its own, rootless "
        "engines (`autograder/farm/hosts.py`); the teacher's side is `grade --farm`'s code in "
        "the bench process (results polled every 0.5 s, the default). One clock: every host is "
        "on this machine.",
        "",
        common.table(
            ["per submission", "median and spread", "what"],
            [
                (
                    "enqueue → start",
                    p["dispatch"].fmt(),
                    "sent to Redis → a slot begins it (submissions that found an idle host)",
                ),
                ("grading", p["grading"].fmt(), "the slot's whole task: kit, lease, nbgrader"),
                (
                    "result → received",
                    p["transit"].fmt(),
                    "stored in Redis → the teacher has it (polling)",
                ),
                ("received → merged", p["merge"].fmt(), "nbgrader's SaveAutoGrades, journal"),
            ],
        ),
        "",
        f"**Queue overhead:** {overhead:.2f} s of {p['grading'].median:.1f} s of grading = "
        f"**{share:.1%}** (target ≤ {TARGET:.0%}).",
        "",
        common.table(
            ["hosts", "wall", "submissions per minute", "× one host"],
            [
                (n, f"{runs[n]['wall']:.1f} s", f"{rate[n]:.1f}", f"{rate[n] / rate[1]:.2f}×")
                for n in sorted(runs)
            ],
        ),
        "",
        f"**Model for N hosts.** This machine has {common.machine().get('cores', '2')} cores, "
        "which the hosts above share: past one host, the rows measure the queue, not more "
        "grading. A class of S submissions on N grading hosts takes about S ÷ (N × r) "
        "minutes, r being what one host grades per minute, as long as the teacher keeps up: "
        f"it merges one result at a time ({merge:.2f} s each here), so the farm tops out near "
        f"{ceiling:.0f} merges a minute. With r = {best:.1f} (this machine, these cheap "
        f"submissions: the farm's cap is then about {ceiling / best:.0f} hosts), {CLASS} "
        "submissions take "
        + ", ".join(
            f"{n} host{'s' if n > 1 else ''} ≈ {CLASS / min(n * best, ceiling):.0f} min"
            for n in (1, 2, 5, 10)
        )
        + f". At the issue's 3.3 s of a 2-core machine per submission (a class's mix), r ≈ "
        f"{60 / 3.3:.0f}: "
        + ", ".join(
            f"{n} host{'s' if n > 1 else ''} ≈ {CLASS / min(n * 60 / 3.3, ceiling):.0f} min"
            for n in (1, 2, 5, 10)
        )
        + ". Add each host's start (about 10 s) and the slowest submission.",
    ]
    if res.get("mix", {}).get("runs"):
        lines += mix_markdown(res["mix"])
    return headline, "\n".join(lines)


if __name__ == "__main__":
    import tempfile

    tmp = Path(tempfile.mkdtemp(prefix="docker-course-bench-farm-", dir="/var/tmp"))
    try:
        result = run(common.Settings(quick="--quick" in sys.argv, tmp=tmp), {})
        print(markdown(result)[1])
    finally:
        with contextlib.suppress(OSError):
            shutil.rmtree(tmp)
