"""Figure 1, the course floor ratio: papermill execution of the seven section notebooks ÷ the
same Docker operations replayed as plain scripts (``bench/floor/NN-*.py``).

Both run on ONE private engine (the product's PrivateEngine with dockerd ``--debug``), in its
network namespace, reset to the freshly seeded state before every run, A and B interleaved
(the order alternates per section and repeat). The debug log counts every API call by kind, so
the report shows that the floor does the same heavy work.

The papermill side is the product's path: one executor process per repeat (``python
bench/floor.py --executor OUT_DIR`` inside the namespace, as ``docker-course execute`` is one
process) runs the notebooks with ``autograder.execute.Executor``, each on its own kernel, the
next notebook's kernel started while one runs. It reads one JSON command a line (the notebook
to run and the one that comes next) and answers one JSON line per notebook.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import common
from common import HEAVY, say

TARGET = 1.5


def sections() -> list[Path]:
    return sorted((common.ROOT / "source").glob("0[1-7]-*/0[1-7]-*.ipynb"))


def cell_times(executed: Path) -> list[tuple[str, float]]:
    nb = json.loads(executed.read_text())
    out = []
    for n, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        grade_id = cell["metadata"].get("nbgrader", {}).get("grade_id") or f"cell {n}"
        out.append((grade_id, float(cell["metadata"].get("papermill", {}).get("duration") or 0)))
    return out


def run(settings: common.Settings, shared: dict) -> dict:
    notebooks = sections()
    if settings.quick:
        notebooks = [nb for nb in notebooks if nb.stem.startswith(("01", "07"))]
    repeats = 1 if settings.quick else settings.floor_repeats
    tmp = settings.tmp / "floor"
    runs: list[dict] = []
    say(f"figure 1: {len(notebooks)} notebooks × {repeats} repeats, papermill vs plain script")
    with common.private_engine(debug=True) as pe:
        dc = pe.client()
        keep = {i.id for i in dc.images.list(all=True)}
        for r in range(repeats):
            with ExecutorChild(pe, tmp / f"r{r}-papermill") as child:
                for i, nb in enumerate(notebooks):
                    following = notebooks[i + 1] if i + 1 < len(notebooks) else None
                    order = ("papermill", "floor") if (r + i) % 2 == 0 else ("floor", "papermill")
                    for kind in order:
                        common.reset_to_seed(dc, keep)
                        out = tmp / f"r{r}-floor"
                        shutil.rmtree(out, ignore_errors=True)
                        out.mkdir(parents=True)
                        start = common.log_size(pe)
                        if kind == "papermill":
                            got = child.run(nb, following)
                            if not got["ok"]:
                                raise common.BenchBroken(f"{nb.name} failed: {got['error']}")
                            cells = cell_times(Path(got["output"]))
                            seconds = got["seconds"]
                            phase_times = got["phases"]
                            if i == 0:  # the process start, paid once per run, by the first
                                seconds += child.started_in
                            phase_times["process start (once)"] = child.started_in if i == 0 else 0
                            shutil.rmtree(Path(got["output"]).parent, ignore_errors=True)
                        else:
                            script = common.BENCH / "floor" / f"{nb.stem}.py"
                            got = common.in_netns(pe, [str(script), str(out)])
                            cells = list(got["steps"].items())
                            seconds = got["seconds"]
                            phase_times = {}
                        calls = common.log_calls(pe, start)
                        runs.append(
                            {
                                "repeat": r,
                                "section": nb.stem,
                                "kind": kind,
                                "seconds": seconds,
                                "cells": cells,
                                "calls": dict(calls),
                                "phases": phase_times,
                            }
                        )
                        shutil.rmtree(out, ignore_errors=True)
                        say(
                            f"  {nb.stem:<22} {kind:<9} {seconds:6.1f} s  "
                            f"({sum(calls.values())} calls)"
                        )
            # the process exit (last kernel shut down, engine-free), paid once, by the last
            last = next(x for x in reversed(runs) if x["kind"] == "papermill")
            last["seconds"] += child.closed_in
            last["phases"]["process exit (once)"] = child.closed_in
        common.reset_to_seed(dc, keep)
    res = analyse(runs, repeats)
    res["bang"] = shell_escape_cost(notebooks)
    return res


def shell_escape_cost(notebooks: list[Path], n: int = 10) -> dict:
    """What a notebook's ``!command`` line costs over the script's ``subprocess.run``: IPython
    runs it through pexpect (``IPython.utils._process_posix.system``, the kernel's path) and
    ptyprocess sleeps ``delayafterclose`` when it closes the pty; measured on ``true``."""
    from IPython.utils._process_posix import system

    def each(fn) -> float:
        started = time.perf_counter()
        for _ in range(n):
            fn()
        return (time.perf_counter() - started) / n

    with open(os.devnull, "w") as quiet, contextlib.redirect_stdout(quiet):
        bang = each(lambda: system("true"))
    plain = each(lambda: subprocess.run("true", shell=True, check=False))
    lines = 0
    for nb in notebooks:
        for cell in json.loads(nb.read_text())["cells"]:
            if cell["cell_type"] == "code":
                source = "".join(cell["source"])
                lines += sum(ln.lstrip().startswith("!") for ln in source.splitlines())
    return {"lines": lines, "bang": bang, "plain": plain}


def analyse(runs: list[dict], repeats: int) -> dict:
    by = defaultdict(list)
    for run_ in runs:
        by[(run_["section"], run_["kind"])].append(run_)
    section_names = sorted({r["section"] for r in runs})
    totals = {
        kind: [
            sum(r["seconds"] for r in runs if r["kind"] == kind and r["repeat"] == n)
            for n in range(repeats)
        ]
        for kind in ("papermill", "floor")
    }
    ratios = [a / b for a, b in zip(totals["papermill"], totals["floor"], strict=True)]
    ratio = common.summary(ratios)
    per_section = []
    for s in section_names:
        a = common.summary(r["seconds"] for r in by[(s, "papermill")])
        b = common.summary(r["seconds"] for r in by[(s, "floor")])
        per_section.append((s, a, b, a.median / b.median))
    # API calls: first repeat of each (the same every repeat: the work is deterministic)
    calls = {kind: Counter() for kind in ("papermill", "floor")}
    mismatches = []
    for s in section_names:
        a = Counter(by[(s, "papermill")][0]["calls"])
        b = Counter(by[(s, "floor")][0]["calls"])
        calls["papermill"].update(a)
        calls["floor"].update(b)
        for k in HEAVY:
            if a[k] != b[k]:
                mismatches.append(f"{s}: {k} {a[k]} vs {b[k]}")
    # cells: median duration per (section, cell) for both, then the top 10 by papermill time
    cells = defaultdict(lambda: {"papermill": [], "floor": []})
    for run_ in runs:
        for name, sec in run_["cells"]:
            cells[(run_["section"], name)][run_["kind"]].append(sec)
    cell_rows = []
    for (s, name), got in cells.items():
        a = common.summary(got["papermill"]).median if got["papermill"] else 0.0
        b = common.summary(got["floor"]).median if got["floor"] else 0.0
        cell_rows.append((s, name, a, b))
    cell_rows.sort(key=lambda row: row[2], reverse=True)  # the slowest under papermill first
    fixed = []
    for s in section_names:
        pm_runs = by[(s, "papermill")]
        names = list(dict.fromkeys(n for r in pm_runs for n in r["phases"]))
        row = {n: common.summary(r["phases"].get(n, 0.0) for r in pm_runs).median for n in names}
        row["setup cell"] = common.summary(
            dict(r["cells"]).get("setup", 0.0) for r in pm_runs
        ).median
        row["setup (script)"] = common.summary(
            dict(r["cells"]).get("setup", 0.0) for r in by[(s, "floor")]
        ).median
        fixed.append((s, row))
    return {
        "ratio": ratio,
        "totals": {k: common.summary(v) for k, v in totals.items()},
        "per_section": per_section,
        "calls": calls,
        "mismatches": mismatches,
        "cells": cell_rows,
        "fixed": fixed,
        "repeats": repeats,
    }


def markdown(res: dict) -> tuple[list[str], str]:
    ratio = res["ratio"]
    mark = common.verdict(ratio.median, TARGET)
    headline = [
        f"1. Course floor ratio (papermill ÷ plain script, {len(res['per_section'])} notebooks)",
        ratio.fmt("×"),
        f"≤ {TARGET}×",
        mark,
    ]
    t = res["totals"]
    lines = [
        "## 1. Course floor ratio",
        "",
        f"**{ratio.median:.2f}×** {mark} (target ≤ {TARGET}×): papermill execution of every "
        "solution notebook ÷ the same engine operations as plain scripts. Ratio per repeat of the "
        f"sums over the sections, median over {res['repeats']} repeats: {ratio.fmt('×')}.",
        "",
        f"- papermill, all notebooks: {t['papermill'].fmt()}; plain scripts: {t['floor'].fmt()}.",
        "- Where: one private engine (the product's `PrivateEngine`, dockerd `--debug`) seeded "
        "with the course images; papermill through `autograder.execute.Executor` (what "
        "`docker-course execute` runs: papermill imported once, each notebook on a kernel of its "
        "own started while the notebook before it runs) in one process per repeat inside the "
        "engine's network namespace (as `docker-course execute` runs on one engine; `--private` "
        "adds an engine per notebook); the engine is reset to the seeded state (no containers, "
        "volumes or non-course images, so no build cache) before every run; papermill and the "
        "script alternate which goes first.",
        "- papermill time = each notebook's turn in the executor (from the command to its "
        "outcome: waiting for its kernel, papermill, cells, writing the executed copy), plus the "
        "executor process's start on the first notebook and its exit on the last; the finished "
        "kernel's shut-down runs in the background, as in the product, and is over before the "
        "bench goes on. Script time = its own clock from the first engine call to the last (no "
        "interpreter start-up). The scripts are `bench/floor/NN-*.py`.",
        "",
        common.table(
            ["section", "papermill", "plain script", "ratio"],
            [(s, a.fmt(), b.fmt(), f"{r:.2f}×") for s, a, b, r in res["per_section"]],
        ),
        "",
        "**Same work?** API calls counted from dockerd's debug log (`Calling METHOD /path`), all "
        "sections, first repeat:",
        "",
    ]
    pm, fl = res["calls"]["papermill"], res["calls"]["floor"]
    rows = [(k, pm[k], fl[k], "" if pm[k] == fl[k] else "≠") for k in HEAVY]
    rows.append(("**all calls**", sum(pm.values()), sum(fl.values()), ""))
    lines.append(common.table(["heavy operation", "papermill", "plain script", ""], rows))
    lines.append("")
    if res["mismatches"]:
        lines.append("Heavy-operation differences per section: " + "; ".join(res["mismatches"]))
    else:
        lines.append("Every heavy operation matches, section by section.")
    light = sorted(set(pm) | set(fl) - set(HEAVY), key=lambda k: -(pm[k] + fl[k]))
    lines.append(
        "Light calls (inspect, list, ping, …) differ a little: "
        + ", ".join(f"{k} {pm[k]}/{fl[k]}" for k in light if k not in HEAVY)
        + " (papermill/script)."
    )
    lines += [
        "",
        "**Where the excess goes** — the ten slowest cells under papermill (median cell time) "
        "next to the script's same step:",
        "",
        common.table(
            ["section", "cell", "papermill", "script", "excess"],
            [
                (s, f"`{n}`", f"{a:.2f} s", f"{b:.2f} s", f"{a - b:+.2f} s")
                for s, n, a, b in res["cells"][:10]
            ],
        ),
        "",
        "Fixed cost per notebook (median seconds), from the executor's clock and papermill's own "
        "timestamps: waiting for its kernel (after the notebook before it finished), turn to "
        "papermill's start, papermill's start to the first cell (client connect, kernel info), "
        "gaps between cells, after the last cell (final write), papermill's end to the outcome; "
        "the executor process's start and exit (once per run); then the setup cell and the "
        "script's equivalent:",
        "",
    ]
    names = list(dict.fromkeys(n for _, row in res["fixed"] for n in row))
    lines.append(
        common.table(
            ["section", *names],
            [(s, *(f"{row.get(n, 0.0):.2f}" for n in names)) for s, row in res["fixed"]]
            + [("**sum**", *(f"{sum(r.get(n, 0.0) for _, r in res['fixed']):.2f}" for n in names))],
        )
    )
    excess_total = sum(a - b for _, _, a, b in res["cells"])
    outside = sum(v for _, row in res["fixed"] for n, v in row.items() if not n.startswith("setup"))
    lines += [
        "",
        f"Excess per repeat: {excess_total + outside:.1f} s = {outside:.1f} s outside cells + "
        f"{excess_total:.1f} s inside cells.",
    ]
    if "bang" in res:
        lines += ["", bang_sentence(res["bang"])]
    return headline, "\n".join(lines)


def bang_sentence(bang: dict) -> str:
    return (
        f"Inside cells, IPython's `!command` costs {bang['bang']:.3f} s a line against "
        f"{bang['plain']:.3f} s for the script's `subprocess.run` (pexpect; ptyprocess sleeps "
        f"0.1 s closing the pty): the notebooks run {bang['lines']} such lines, "
        f"≈ {bang['lines'] * (bang['bang'] - bang['plain']):.1f} s a repeat."
    )


def phases(executed: Path, turn: float, done: float, waited: float) -> dict[str, float]:
    """Fixed costs of one notebook's turn from papermill's own timestamps (epoch seconds):
    ``turn`` when its turn began, ``done`` when its outcome was ready, ``waited`` seconds it
    waited for its kernel after the notebook before it had finished."""
    nb = json.loads(executed.read_text())
    meta = nb["metadata"]["papermill"]
    code = [c["metadata"]["papermill"] for c in nb["cells"] if c["cell_type"] == "code"]

    def at(stamp: str) -> float:
        return dt.datetime.fromisoformat(stamp).timestamp()

    return {
        "waiting for its kernel": waited,
        "turn to papermill start": at(meta["start_time"]) - turn,
        "papermill start to first cell": at(code[0]["start_time"]) - at(meta["start_time"]),
        "between cells": at(code[-1]["end_time"])
        - at(code[0]["start_time"])
        - sum(c["duration"] for c in code),
        "after the last cell (write)": at(meta["end_time"]) - at(code[-1]["end_time"]),
        "papermill end to outcome": done - at(meta["end_time"]),
    }


class ExecutorChild:
    """The executor process of one repeat, inside the engine's network namespace."""

    def __init__(self, pe, out: Path) -> None:
        from autograder import nbgrader_cli

        shutil.rmtree(out, ignore_errors=True)
        out.mkdir(parents=True)
        env = nbgrader_cli.env({"DOCKER_HOST": pe.docker_host, "PYTHONUNBUFFERED": "1"})
        t0 = time.monotonic()
        self.out = out
        self.stderr = out.with_name(out.name + ".stderr")  # what the executor says, kept
        with open(self.stderr, "wb") as err:
            self.proc = subprocess.Popen(
                pe.command([common.PY, __file__, "--executor", str(out)]),
                cwd=common.ROOT,
                env=env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=err,
                text=True,
            )
        common.CHILD_PIDS.append(self.proc.pid)
        self._read()  # "ready": papermill and the executor imported
        self.started_in = time.monotonic() - t0
        self.closed_in = 0.0

    def __enter__(self) -> ExecutorChild:
        return self

    def __exit__(self, *exc: object) -> None:
        t0 = time.monotonic()
        try:
            if self.proc.poll() is None:
                self.proc.stdin.close()  # EOF: the executor closes and exits
                self.proc.wait(timeout=120)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
            self.closed_in = time.monotonic() - t0
            shutil.rmtree(self.out, ignore_errors=True)

    def run(self, notebook: Path, following: Path | None) -> dict:
        line = {"run": str(notebook), "next": str(following) if following else None}
        self.proc.stdin.write(json.dumps(line) + "\n")
        self.proc.stdin.flush()
        return self._read()

    def _read(self) -> dict:
        line = self.proc.stdout.readline()
        if not line:
            said = self.stderr.read_text(errors="replace") if self.stderr.exists() else ""
            raise common.BenchBroken(
                f"the executor exited ({self.proc.wait()}):\n{common.tail(said)}"
            )
        return json.loads(line)


def _executor(out: str) -> None:
    """Child: one Executor; per command, run a notebook with the next one prepared meanwhile.

    Between commands nothing of the executor runs: the finished notebook's kernel is shut down
    and the next one's kernel is ready before the answer (the wait for it is counted in the
    next notebook's time, as ``docker-course execute`` would wait for it)."""
    from autograder import execute

    reply = sys.stdout
    sys.stdout = sys.stderr  # nothing else on the answer channel
    pending: dict[str, object] = {}
    waited = 0.0
    with execute.Executor(Path(out)) as ex:
        print(json.dumps({"ready": True}), file=reply, flush=True)
        for line in sys.stdin:
            cmd = json.loads(line)
            turn, turn_epoch = time.monotonic(), time.time()
            prepared = pending.pop(cmd["run"], None) or ex.prepare(Path(cmd["run"]))
            prepared.result()
            if cmd["next"]:
                pending[cmd["next"]] = ex.prepare(Path(cmd["next"]))
            got = ex.run(prepared, started=turn)
            done, t0 = time.time(), time.monotonic()
            seconds = got.seconds + waited
            phase_times = phases(got.output, turn_epoch, done, waited) if got.ok else {}
            if cmd["next"]:  # the next turn would begin now: how long until its kernel answers
                with contextlib.suppress(Exception):  # one that failed fails its notebook
                    pending[cmd["next"]].result().kernel.result()
            waited = time.monotonic() - t0
            ex.settle()  # the finished kernel is down before the bench goes on
            answer = {
                "ok": got.ok,
                "seconds": seconds,
                "output": str(got.output),
                "error": got.error,
                "phases": phase_times,
            }
            print(json.dumps(answer), file=reply, flush=True)


if __name__ == "__main__" and sys.argv[1:2] == ["--executor"]:
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    _executor(sys.argv[2])
