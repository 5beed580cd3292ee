"""``docker-course execute``: run notebooks top to bottom with papermill, one after another
on the course engine, or each on a fresh private engine (``--private``, in parallel with -j),
or each on a fresh modern engine of the engine matrix (``--lane modern-containerd`` /
``--lane modern-overlay2``: Docker 28 with BuildKit, see :mod:`autograder.modern_engine`).

Every notebook runs in a copy under the output folder, so executing never writes into
``source/`` or ``notebooks/``. Exit status is non-zero when any notebook fails; the summary
names the failing cell.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from . import engine
from .errors import CourseError


@dataclass(frozen=True)
class Outcome:
    notebook: Path
    ok: bool
    seconds: float
    output: Path
    error: str = ""


def discover(root: Path) -> list[Path]:
    """notebooks/*.ipynb, then every source/<assignment>/*.ipynb, in name order."""
    found = sorted((root / "notebooks").glob("*.ipynb"))
    found += sorted(
        p for p in (root / "source").glob("*/*.ipynb") if ".ipynb_checkpoints" not in str(p)
    )
    return found


def run_one(
    notebook: Path,
    out_dir: Path,
    *,
    private: bool = False,
    cell_timeout: int = 300,
    seed_tar: Path | None = None,
    lane: str = "course",
) -> Outcome:
    """Execute one notebook in a copy of its folder; never raises for notebook errors."""
    workdir = out_dir / notebook.parent.name / notebook.stem
    if workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    output = workdir / notebook.name
    argv = [
        sys.executable,
        "-m",
        "autograder.papermill_cli",  # papermill, minus seconds of import time
        str(notebook.resolve()),
        str(output),
        "--cwd",
        str(workdir),
        "--kernel",
        "python3",
        "--no-progress-bar",
        "--execution-timeout",
        str(cell_timeout),
    ]
    env = {**os.environ, "DOCKER_COURSE_WORK": str(workdir / "work")}
    started = time.monotonic()
    log = workdir / "papermill.log"
    if lane != "course":
        from . import modern_engine, seed

        tree = modern_engine.tree(report=lambda _: None)
        with modern_engine.ModernEngine(modern_engine.LANES[lane], tree, shared=[workdir]) as me:
            if seed_tar is not None:
                with contextlib.closing(me.client()) as dc:
                    seed.seed(dc, seed_tar)
            code = _run(me.command(argv), {**me.env(), **env, "DOCKER_HOST": me.docker_host}, log)
    elif private:
        from . import seed
        from .private_engine import PrivateEngine

        template = seed.template(seed_tar) if seed_tar is not None else None
        with PrivateEngine(template=template) as pe:
            code = _run(pe.command(argv), {**env, "DOCKER_HOST": pe.docker_host}, log)
    else:
        code = _run(argv, env, log)
    seconds = time.monotonic() - started
    return Outcome(notebook, code == 0, seconds, output, "" if code == 0 else _failure(output, log))


def _run(argv: list[str], env: dict[str, str], log: Path) -> int:
    with open(log, "wb") as fh:
        return subprocess.run(
            argv, env=env, stdout=fh, stderr=subprocess.STDOUT, check=False
        ).returncode


def _failure(output: Path, log: Path) -> str:
    """'cell N: Ename: message' from the executed notebook, else the log's last line."""
    try:
        nb = json.loads(output.read_text())
        for n, cell in enumerate(nb.get("cells", []), 1):
            for out in cell.get("outputs", []):
                if out.get("output_type") == "error":
                    return f"cell {n}: {out.get('ename')}: {out.get('evalue', '')[:300]}"
    except (OSError, json.JSONDecodeError):
        pass
    lines = log.read_text(errors="replace").strip().splitlines() if log.exists() else []
    return lines[-1][:300] if lines else "papermill failed before running a cell"


def main(
    paths: list[Path] | None = None,
    *,
    output: Path | None = None,
    private: bool = False,
    jobs: int = 1,
    cell_timeout: int = 300,
    lane: str = "course",
    report: Callable[[str], None] = print,
) -> list[Outcome]:
    root = engine.project_root()
    notebooks = [Path(p) for p in paths] if paths else discover(root)
    if not notebooks:
        raise CourseError(
            "no notebook to execute", fix="Pass notebook paths, or run from the course root."
        )
    if lane != "course":
        from . import modern_engine

        if lane not in modern_engine.LANES:
            raise CourseError(f"no lane {lane!r}", fix=f"Use one of {modern_engine.LANE_NAMES}.")
        private = True  # a modern engine is always a fresh one per notebook
        modern_engine.tree(report=report)
    if jobs > 1 and not private:
        raise CourseError("-j > 1 needs --private: the notebooks share names on one engine.")
    output = (output or root / ".course" / "executed").resolve()
    seed_tar = None
    if private:
        from . import seed

        seed_tar = seed.cached_bundle(engine.client())
    report(
        f"executing {len(notebooks)} notebooks → {output}"
        + (f" (private engines, {jobs} at a time)" if private else "")
        + (f" on the {lane} lane" if lane != "course" else "")
    )
    outcomes: list[Outcome] = []
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = {
            pool.submit(
                run_one,
                nb,
                output,
                private=private,
                cell_timeout=cell_timeout,
                seed_tar=seed_tar,
                lane=lane,
            ): nb
            for nb in notebooks
        }
        for future in as_completed(futures):
            outcome = future.result()
            outcomes.append(outcome)
            mark = "✓" if outcome.ok else "✗"
            report(
                f"[{len(outcomes)}/{len(notebooks)}] {mark} {_name(outcome.notebook)} "
                f"{outcome.seconds:.1f} s" + (f" — {outcome.error}" if outcome.error else "")
            )
    outcomes.sort(key=lambda o: notebooks.index(o.notebook))
    report(summary(outcomes))
    return outcomes


def _name(notebook: Path) -> str:
    return f"{notebook.parent.name}/{notebook.name}"


def summary(outcomes: list[Outcome]) -> str:
    width = max((len(_name(o.notebook)) for o in outcomes), default=10)
    lines = [f"{'notebook':<{width}}  result  wall time"]
    for o in outcomes:
        lines.append(
            f"{_name(o.notebook):<{width}}  {'ok' if o.ok else 'FAIL':<6}  {o.seconds:6.1f} s"
        )
    failed = sum(not o.ok for o in outcomes)
    total = sum(o.seconds for o in outcomes)
    lines.append(f"{len(outcomes) - failed} ok, {failed} failed, {total:.1f} s of notebook time")
    return "\n".join(lines)
