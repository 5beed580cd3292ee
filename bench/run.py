"""``make bench``: the nine figures, side by side in one run, into ``bench/RESULTS.md``.

    .venv/bin/python bench/run.py                 # everything → bench/RESULTS.md (~10–15 min)
    .venv/bin/python bench/run.py --quick         # tiny repeats, for development
    .venv/bin/python bench/run.py --only grading  # one figure (and what it needs)

``--quick`` and ``--only`` write ``bench/RESULTS-partial.md`` unless ``--out`` says otherwise,
so a development run never replaces the full results. The bench reports: a missed target is a
✗ in the table, not a failure. It exits non-zero only when something it measures is broken
(a notebook fails, grading gives a wrong score, an engine does not start).

One module per figure (floor, grading, isolation, growth, memory, startup, hub, engines,
farm), ``where`` for the "where the time goes" profile, ``common`` for statistics, the machine
and engines.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import os
import shlex
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path

import common
import engines
import farm
import floor
import grading
import growth
import hub
import isolation
import memory
import startup
import where
from common import BENCH, ROOT, say

#: run order (cheap and engine-idle first; the grading runs are shared by figures 2–5)
RUN_ORDER = (
    "startup",
    "floor",
    "grading",
    "isolation",
    "growth",
    "memory",
    "hub",
    "engines",
    "farm",
)
FIGURES = {
    "floor": floor,
    "grading": grading,
    "isolation": isolation,
    "growth": growth,
    "memory": memory,
    "startup": startup,
    "hub": hub,
    "engines": engines,
    "farm": farm,
}
SHOW_ORDER = (
    "floor",
    "grading",
    "isolation",
    "growth",
    "memory",
    "startup",
    "hub",
    "engines",
    "farm",
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny repeats (development)")
    parser.add_argument(
        "--only", action="append", choices=[*FIGURES, "where"], help="only this figure (repeatable)"
    )
    parser.add_argument("--out", type=Path, help="markdown file to write")
    parser.add_argument("--floor-repeats", type=int, default=common.Settings.floor_repeats)
    args = parser.parse_args(argv)
    os.chdir(ROOT)  # the product finds the course (and .course/) from the working directory
    partial = args.quick or bool(args.only)
    out = args.out or BENCH / ("RESULTS-partial.md" if partial else "RESULTS.md")
    wanted = args.only or list(FIGURES)
    tmp = Path(tempfile.mkdtemp(prefix="docker-course-bench-", dir="/var/tmp"))
    settings = common.Settings(quick=args.quick, tmp=tmp, floor_repeats=args.floor_repeats)
    say(f"bench: {', '.join(wanted)}{' (quick)' if args.quick else ''}; scratch {tmp}")
    watch = common.CpuWatch()
    # the bench's folder, its private engines (their command lines name the engine's folder)
    # and whatever runs as a grading user: a rootless engine and the kernel in its jail are
    # daemons, children of init, and a jailed process's command line may not be readable
    from autograder import jail
    from autograder.private_engine import DATA_BASE, PREFIX, RUN_BASE

    watch.mine_marks = {str(tmp), f"{DATA_BASE}/{PREFIX}", f"{RUN_BASE}/{PREFIX}"}
    watch.mine_uids = jail.grading_uids()
    watch.start()
    shared: dict = {}
    results: dict[str, object] = {}
    broken: dict[str, str] = {}
    walls: dict[str, float] = {}
    cpu: dict[str, dict] = {}
    started = time.monotonic()
    try:
        steps = [n for n in RUN_ORDER if n in wanted]
        if any(n in wanted for n in ("grading", "isolation", "where")):
            steps.append("where")
        for name in steps:
            before, t0 = watch.snapshot(), time.monotonic()
            try:
                module = where if name == "where" else FIGURES[name]
                results[name] = module.run(settings, shared)
            except Exception as exc:  # report it, measure the rest, fail at the end  # noqa: BLE001
                broken[name] = f"{type(exc).__name__}: {exc}"
                say(f"✗ {name} BROKEN: {broken[name]}")
                traceback.print_exc()
            walls[name] = time.monotonic() - t0
            after = watch.snapshot()
            cpu[name] = {k: after.get(k, 0.0) - before.get(k, 0.0) for k in after}
    finally:
        watch.stop()
        _cleanup(shared, tmp)
    total = time.monotonic() - started
    text = render(
        results, broken, walls, cpu, watch, total, settings, sys.argv if argv is None else argv
    )
    out.write_text(text)
    (out.with_suffix(".json")).write_text(json.dumps(_jsonable(results), indent=1, default=str))
    say(
        f"wrote {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out} "
        f"in {total / 60:.1f} min"
    )
    if broken:
        print("\n" + "!" * 78 + "\nBROKEN (the bench measured something that does not work):")
        for name, why in broken.items():
            print(f"  {name}: {why.splitlines()[0]}")
        print("!" * 78)
        return 1
    return 0


def _cleanup(shared: dict, tmp: Path) -> None:
    """Scratch files; any private engine a crashed child left behind (ours only, by owner)."""
    from autograder.private_engine import RUN_BASE, PrivateEngine

    mine = {os.getpid(), *common.CHILD_PIDS}
    with contextlib.suppress(OSError):
        for folder in RUN_BASE.iterdir():
            with contextlib.suppress(OSError, ValueError):
                owner = int((folder / "owner.pid").read_text().strip())
                if owner in mine and folder.name.startswith("dcourse-"):
                    say(f"removing left-over private engine {folder.name}")
                    PrivateEngine(folder.name).stop()
    shutil.rmtree(tmp, ignore_errors=True)


def render(results, broken, walls, cpu, watch, total, settings, argv) -> str:
    machine = common.machine()
    command = (
        "make bench"
        if argv[1:] == []
        else shlex.join([".venv/bin/python", "bench/run.py", *argv[1:]])
    )
    busy = watch.snapshot()
    other_cores = busy.get("other", 0.0) / max(busy["wall"], 1e-9)
    lines = [
        "# Benchmarks",
        "",
        f"Reproduce: `{command}`"
        + (
            " (= `make setup`, then `.venv/bin/python bench/run.py`)"
            if command == "make bench"
            else ""
        )
        + f". This run: {machine['date']}, {total / 60:.1f} min"
        + (" — QUICK (tiny repeats, development only)" if settings.quick else "")
        + ". Every figure is a ratio or a count measured side by side in this one run; medians "
        "over repeats where the budget allows (n says how many).",
        "",
        *(
            [
                f"**Noisy run:** other work used {other_cores:.2f} of {os.cpu_count()} cores on "
                "average while this ran (see below); rerun on a quiet machine before holding the "
                "figures against the targets.",
                "",
            ]
            if other_cores > 0.5
            else []
        ),
        "## Machine",
        "",
        common.table(["", ""], machine.items()),
        "",
        f"Other work on the machine during the run (processes that are neither the bench's nor "
        f"an engine's): {busy.get('other', 0.0):.0f} CPU-seconds, i.e. {other_cores:.2f} of "
        f"{os.cpu_count()} cores on average"
        + (
            " — the machine was shared (busiest: "
            + ", ".join(f"{n} {s:.0f} s" for n, s in watch.busiest.most_common(4))
            + "); expect the figures to move on a quiet machine."
            if other_cores > 0.1
            else "."
        )
        + f" Host engine (dockerd, containerd, shims): {busy.get('host engine', 0.0):.0f} "
        "CPU-seconds (the plain-nbgrader baseline of figure 2 runs there).",
        "",
        "## Summary",
        "",
    ]
    rows, sections = [], []
    for name in SHOW_ORDER:
        if name in broken:
            first = broken[name].splitlines()[0][:160]
            rows.append((name, f"BROKEN: {first}", "", "✗"))
            sections.append(f"## {name}\n\nBROKEN:\n\n```\n{broken[name]}\n```")
        elif name in results:
            headline, body = FIGURES[name].markdown(results[name])
            rows.append(tuple(headline))
            sections.append(body)
    lines.append(common.table(["figure", "measured", "target", ""], rows))
    lines += ["", "Time per part of the bench (wall; CPU-seconds of other work during it):", ""]
    lines.append(
        common.table(
            ["part", "wall", "other work"],
            [
                (n, f"{w:.0f} s", f"{cpu.get(n, {}).get('other', 0.0):.0f} CPU-s")
                for n, w in walls.items()
            ],
        )
    )
    lines += ["", *[s + "\n" for s in sections]]
    lines += where_the_time_goes(results)
    return "\n".join(lines).rstrip() + "\n"


def where_the_time_goes(results) -> list[str]:
    """Per missed target, the top items with their seconds (from the measurements above)."""
    out = ["## Where the time goes (missed targets)", ""]
    missed = 0
    if "floor" in results:
        res = results["floor"]
        if res["ratio"].median > floor.TARGET:
            missed += 1
            fixed = {}
            for _, row in res["fixed"]:
                for k, v in row.items():
                    if not k.startswith("setup"):
                        fixed[k] = fixed.get(k, 0.0) + v
            top = sorted(fixed.items(), key=lambda kv: -kv[1])
            out += [
                f"**1. Course floor ({res['ratio'].median:.2f}× > {floor.TARGET}×).** Per run of "
                "the seven notebooks, papermill takes "
                f"{res['totals']['papermill'].median:.0f} s where the engine work takes "
                f"{res['totals']['floor'].median:.0f} s. Outside the cells "
                "(summed over the notebooks): "
                + ", ".join(f"{k} {v:.1f} s" for k, v in top)
                + ". Inside cells, the largest excesses: "
                + ", ".join(
                    f"{s} `{n}` {a - b:+.2f} s"
                    for s, n, a, b in sorted(res["cells"], key=lambda r: r[3] - r[2])[:5]
                )
                + ". "
                + (floor.bang_sentence(res["bang"]) + " " if "bang" in res else "")
                + "See the tables in section 1.",
                "",
            ]
    if "grading" in results:
        res = results["grading"]
        ours = res["ours"]
        mine, theirs = grading.medians(res)
        if mine / theirs > grading.TARGET:
            missed += 1
            n = res["n"]
            out += [
                f"**2. Grading ({mine / theirs:.2f}× > {grading.TARGET}×).** "
                f"The serial baseline costs {theirs / n:.1f} s per submission; to reach "
                f"{grading.TARGET}× with two workers, ours may spend at most "
                f"{2 * grading.TARGET * theirs / n:.1f} s of a worker per submission, and "
                f"spends {common.summary(o['seconds'] for o in ours['outcomes']).median:.1f} s "
                "(median, two at a time on two cores). Outside the workers: "
                + ", ".join(f"{k} {v:.1f} s" for k, v in ours["phases"].items() if "pool" not in k)
                + ".",
                "",
            ]
    if "isolation" in results:
        res = results["isolation"]
        total = common.summary(x["enter"] + x["exit"] for x in res["leases"]).median
        sub = common.summary(o["seconds"] for o in res["submissions"]).median
        waited = common.summary(o.get("lease_seconds", 0.0) for o in res["submissions"]).median
        if waited / sub > isolation.TARGET:
            missed += 1
            names = list(res["pieces"][0]) if res["pieces"] else []
            pieces = sorted(
                ((n, common.summary(p[n] for p in res["pieces"]).median) for n in names),
                key=lambda kv: -kv[1],
            )
            out += [
                f"**3. Isolation ({waited / sub:.0%} > {isolation.TARGET:.0%}).** A submission "
                f"waits {waited:.2f} s for its lease; a cold lease costs {total:.2f} s: "
                + ", ".join(f"{n} {v:.2f} s" for n, v in pieces)
                + ".",
                "",
            ]
    if "memory" in results:
        res = results["memory"]
        if res["grader"].hi > memory.TARGET_MB:
            missed += 1
            out += [
                f"**5. Memory (max {res['grader'].hi:.0f} MB > {memory.TARGET_MB} MB).** At the "
                "largest peak: "
                + ", ".join(
                    f"{c} {s / 1024**2:.0f} MB"
                    for c, s in sorted(res["grader_max_parts"].items(), key=lambda kv: -kv[1])
                )
                + ".",
                "",
            ]
    if "farm" in results:
        parts = {k: common.summary(v).median for k, v in farm.pieces(results["farm"]).items()}
        overhead = parts["dispatch"] + parts["transit"] + parts["merge"]
        if farm.verdict_share(results["farm"]) > farm.TARGET:
            missed += 1
            out += [
                f"**9. Farm ({overhead / parts['grading']:.1%} > {farm.TARGET:.0%}).** Per "
                f"submission: enqueue → start {parts['dispatch']:.2f} s, result → received "
                f"{parts['transit']:.2f} s, received → merged {parts['merge']:.2f} s (nbgrader's "
                f"SaveAutoGrades and the journal, on the teacher's side), against "
                f"{parts['grading']:.1f} s of grading (the bench's submissions are the cheapest "
                "of the class).",
                "",
            ]
    if not missed:
        out.append("Every target was met.")
    if "where" in results:  # measured: shown whether or not a target was missed
        out += [
            "",
            "**One submission, phase by phase** (`docker-course grade -j 1` of the blank "
            "submissions, nothing else of the bench running; nbgrader's own DEBUG log with "
            "timestamps, set through the course's `nbgrader_config.py`, dates each step — its "
            "logging adds a little time):",
            "",
            where.markdown(results["where"]),
        ]
    return out


def _jsonable(obj):
    if isinstance(obj, common.Summary):
        return {"values": list(obj.values), "median": obj.median}
    if dataclasses.is_dataclass(obj):
        return _jsonable(dataclasses.asdict(obj))
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, memory.Sampler):
        return None
    return obj


if __name__ == "__main__":
    sys.exit(main())
