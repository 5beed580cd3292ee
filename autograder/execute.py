"""``docker-course execute``: run notebooks top to bottom with papermill, one after another
on the course engine, or each on a fresh private engine (``--private``, in parallel with -j),
or each on a fresh modern engine of the engine matrix (``--lane modern-containerd`` /
``--lane modern-overlay2``: Docker 28 with BuildKit, see :mod:`autograder.modern_engine`).

Every notebook runs in a copy under the output folder, so executing never writes into
``source/`` or ``notebooks/``. Exit status is non-zero when any notebook fails; the summary
names the failing cell.

papermill runs in this process (imported once), and every notebook gets a kernel of its own,
started while the notebook before it runs (:class:`Executor`): no interpreter or kernel start
waits in front of a notebook, and no kernel ever serves a second one.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import logging
import os
import queue
import shutil
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from . import engine, kernel_pool
from .errors import CourseError

if TYPE_CHECKING:
    from .private_engine import PrivateEngine


#: what the course notebooks' setup and panel cells import (~0.5 s): each kernel imports them
#: silently while the notebook before it runs (see ``kernel_pool.KernelSpec.preload``)
PRELOAD = (
    "autograder.course",
    "autograder.checks",
    "autograder.widgets.panels",
    "autograder.widgets.diagram",
)


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
    with Executor(
        out_dir, private=private, cell_timeout=cell_timeout, seed_tar=seed_tar, lane=lane
    ) as ex:
        started = time.monotonic()
        return ex.run(ex.prepare(notebook), started=started)


@dataclass
class Slot:
    """One notebook's turn, prepared ahead: its folder, its engine (``--private``, a lane) and
    its own kernel (started, maybe still starting)."""

    notebook: Path
    workdir: Path
    log: BinaryIO
    kernel: Future[kernel_pool.Kernel]
    engine: PrivateEngine | None = None
    closing: bool = False

    @property
    def output(self) -> Path:
        return self.workdir / self.notebook.name

    @property
    def log_path(self) -> Path:
        return self.workdir / "papermill.log"


class Executor:
    """Runs notebooks with papermill in this process, each on a kernel of its own that was
    started while the notebook before it ran (:class:`autograder.kernel_pool.KernelPool`).

    ``with Executor(out) as ex: ex.run(ex.prepare(nb))``; :meth:`run_all` keeps ``jobs`` turns
    prepared ahead. A kernel serves one notebook and is shut down in the background after it;
    leaving the ``with`` block shuts down every kernel and stops every engine it started.
    """

    def __init__(
        self,
        out_dir: Path,
        *,
        private: bool = False,
        cell_timeout: int = 300,
        seed_tar: Path | None = None,
        lane: str = "course",
        jobs: int = 1,
    ) -> None:
        self.out_dir = out_dir
        self.private = private or lane != "course"
        self.cell_timeout = cell_timeout
        self.seed_tar = seed_tar
        self.lane = lane
        self.jobs = max(1, jobs)
        self.pool = kernel_pool.KernelPool()
        self._preparing = ThreadPoolExecutor(self.jobs, thread_name_prefix="prepare")
        self._closing = ThreadPoolExecutor(self.jobs, thread_name_prefix="close")
        self._lock = threading.Lock()
        self._slots: list[Future[Slot]] = []  # prepared or preparing, not yet closed
        self._workers: list[threading.Thread] = []  # run_all's
        self._stopping = threading.Event()  # no new turn begins
        self._closes: list[Future[None]] = []
        self._template: Path | None = None

    def __enter__(self) -> Executor:
        self.pool.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Kill every kernel and stop every engine still open (a turn not run yet, or one still
        running when an exception left the ``with`` block), wait for the background
        shut-downs. Safe to call twice."""
        self._stopping.set()
        try:
            self._preparing.shutdown(wait=True, cancel_futures=True)
            for future in self.unclosed():
                with contextlib.suppress(Exception):
                    self._close(future.result(), now=True)
            self.settle()
            for worker in self._workers:  # their notebooks stop on a dead kernel
                worker.join(timeout=60)
            self.settle()
            self._closing.shutdown(wait=True)
        finally:
            self.pool.close()

    def unclosed(self) -> list[Future[Slot]]:
        """Turns prepared (or preparing) whose kernel and engine are not shut down yet."""
        with self._lock:
            return [f for f in self._slots if not f.cancelled()]

    def settle(self) -> None:
        """Wait until every finished notebook's kernel (and engine) is shut down."""
        while True:
            with self._lock:
                closes, self._closes = self._closes, []
            if not closes:
                return
            for future in closes:
                with contextlib.suppress(Exception):
                    future.result()

    # one notebook -----------------------------------------------------------------------------
    def prepare(self, notebook: Path) -> Future[Slot]:
        """Start preparing ``notebook``'s turn (folder, engine, kernel) in the background."""
        future = self._preparing.submit(self._prepare, notebook)
        with self._lock:
            self._slots.append(future)
        return future

    def run(self, prepared: Future[Slot], *, started: float | None = None) -> Outcome:
        """Execute a prepared notebook; never raises for notebook errors. ``started``: when
        its turn began (default: now), for :attr:`Outcome.seconds`."""
        started = time.monotonic() if started is None else started
        slot = prepared.result()  # an engine that does not start raises, as it always did
        try:
            ok = self._execute(slot)
        except BaseException:
            self._close(slot, now=True)
            raise
        seconds = time.monotonic() - started
        error = "" if ok else _failure(slot.output, slot.log_path)  # before the kernel's exit
        self._close(slot)  # (a kernel stopped mid-cell may still write to the log)
        return Outcome(slot.notebook, ok, seconds, slot.output, error)

    def _prepare(self, notebook: Path) -> Slot:
        workdir = self.out_dir / notebook.parent.name / notebook.stem
        if workdir.exists():
            shutil.rmtree(workdir)
        workdir.mkdir(parents=True)
        log = open(workdir / "papermill.log", "ab")  # noqa: SIM115 - closed by _close
        env = {**os.environ, "DOCKER_COURSE_WORK": str(workdir / "work")}
        engine_: PrivateEngine | None = None
        try:
            prefix: list[str] = []
            if self.lane != "course":
                engine_ = self._modern_engine(workdir)
                env = {**engine_.env(), **env, "DOCKER_HOST": engine_.docker_host}
                prefix = engine_.command([])
            elif self.private:
                engine_ = self._private_engine()
                env = {**env, "DOCKER_HOST": engine_.docker_host}
                prefix = engine_.command([])
            spec = kernel_pool.KernelSpec(
                cwd=workdir, env=env, log=log, prefix=prefix, preload=PRELOAD
            )
            kernel = self.pool.start(spec)
        except BaseException:
            if engine_ is not None:
                engine_.stop()
            log.close()
            raise
        return Slot(notebook, workdir, log, kernel, engine_)

    def _private_engine(self) -> PrivateEngine:
        from . import seed
        from .private_engine import PrivateEngine

        with self._lock:
            if self._template is None and self.seed_tar is not None:
                self._template = seed.template(self.seed_tar)
        pe = PrivateEngine(template=self._template)
        pe.__enter__()
        return pe

    def _modern_engine(self, workdir: Path) -> PrivateEngine:
        from . import modern_engine, seed

        tree = modern_engine.tree(report=lambda _: None)
        me = modern_engine.ModernEngine(modern_engine.LANES[self.lane], tree, shared=[workdir])
        me.__enter__()
        try:
            if self.seed_tar is not None:
                with contextlib.closing(me.client()) as dc:
                    seed.seed(dc, self.seed_tar)
        except BaseException:
            me.stop()
            raise
        return me

    def _execute(self, slot: Slot) -> bool:
        """papermill on the slot's kernel; False (the reason in the log) when it failed."""
        import papermill

        try:
            kernel = self.pool.take(slot.kernel)
        except Exception as exc:  # the kernel did not start: as papermill would report it  # noqa: BLE001
            _log_exception(slot.log, exc)
            with contextlib.suppress(Exception):  # the output notebook, unexecuted
                papermill.execute_notebook(
                    str(slot.notebook.resolve()), str(slot.output), prepare_only=True,
                    kernel_name="python3", progress_bar=False,
                )  # fmt: skip
            return False
        try:
            with _papermill_log(slot.log):
                papermill.execute_notebook(
                    str(slot.notebook.resolve()),
                    str(slot.output),
                    engine_name=_engine(),
                    kernel_name="python3",
                    progress_bar=False,
                    execution_timeout=self.cell_timeout,
                    km=kernel.km,  # handed to nbclient's NotebookClient: no kernel start there
                )
        except Exception as exc:  # a failing cell, a dead kernel, a time-out  # noqa: BLE001
            _log_exception(slot.log, exc)
            return False
        return True

    def _close(self, slot: Slot, *, now: bool = False) -> None:
        """Shut the slot's kernel down, then its engine, in the background (once)."""
        with self._lock:
            if slot.closing:
                return
            slot.closing = True
            self._slots = [f for f in self._slots if not (f.done() and _holds(f, slot))]

        def close() -> None:
            try:
                with contextlib.suppress(Exception):
                    kernel = slot.kernel.result()
                    self.pool.release(kernel, now=now).result()
            finally:
                slot.log.close()
                if slot.engine is not None:
                    slot.engine.stop()

        future = self._closing.submit(close)
        with self._lock:
            self._closes.append(future)

    # many notebooks ---------------------------------------------------------------------------
    def run_all(self, notebooks: list[Path]) -> Iterator[Outcome]:
        """Every notebook, ``jobs`` at a time, each next turn prepared while one runs; outcomes
        in the order they finish."""
        todo = iter(list(notebooks))
        lock = threading.Lock()
        done: queue.Queue[Outcome | BaseException] = queue.Queue()

        def next_turn() -> Future[Slot] | None:
            with lock:
                notebook = None if self._stopping.is_set() else next(todo, None)
            return None if notebook is None else self.prepare(notebook)

        def worker() -> None:
            try:
                turn = next_turn()
                while turn is not None:
                    started = time.monotonic()
                    turn.result()  # ready: now prepare the one after it
                    following = next_turn()
                    done.put(self.run(turn, started=started))
                    turn = following
            except BaseException as exc:  # handed to the caller  # noqa: BLE001
                done.put(exc)
            finally:
                _close_thread_loop()

        threads = [
            threading.Thread(target=worker, name=f"execute {n}", daemon=True)
            for n in range(min(self.jobs, len(notebooks)))
        ]
        self._workers += threads
        for thread in threads:
            thread.start()
        try:
            for _ in notebooks:
                got = done.get()
                if isinstance(got, BaseException):
                    raise got
                yield got
        finally:
            self._stopping.set()  # no new turn; close() ends the ones running


SAVE_EVERY = 1.0  # seconds between writes of the executed copy while cells run


def _engine() -> str:
    """papermill's nbclient engine with sparse writes of the executed copy (registered once)."""
    from papermill.engines import NBClientEngine, NotebookExecutionManager, papermill_engines

    name = "docker-course"
    if name in papermill_engines._engines:
        return name

    class SparseSaves(NotebookExecutionManager):
        """papermill's bookkeeping, but the executed copy is written at the start, at most
        every ``SAVE_EVERY`` seconds while cells run (papermill writes it before and after
        every cell, markdown too: ~80 writes of ~5 ms a notebook, nbformat validating the
        whole notebook each time) and always at the end, after a failure too."""

        forced = False

        def save(self, **kwargs: object) -> None:
            if self.forced or (self.now() - self.last_save_time).total_seconds() >= SAVE_EVERY:
                super().save(**kwargs)

        def notebook_start(self, **kwargs: object) -> None:
            self.forced = True
            try:
                super().notebook_start(**kwargs)
            finally:
                self.forced = False

        def notebook_complete(self, **kwargs: object) -> None:
            self.forced = True  # the final write, whatever happened
            super().notebook_complete(**kwargs)

    class Engine(NBClientEngine):
        @classmethod
        def execute_notebook(  # papermill's Engine.execute_notebook with SparseSaves
            cls, nb, kernel_name, output_path=None, progress_bar=True, log_output=False,
            autosave_cell_every=30, **kwargs,
        ):  # fmt: skip
            nb_man = SparseSaves(
                nb, output_path=output_path, progress_bar=progress_bar,
                log_output=log_output, autosave_cell_every=autosave_cell_every,
            )  # fmt: skip
            nb_man.notebook_start()
            try:
                cls.execute_managed_notebook(nb_man, kernel_name, log_output=log_output, **kwargs)
            finally:
                nb_man.cleanup_pbar()
                nb_man.notebook_complete()
            return nb_man.nb

    papermill_engines.register(name, Engine)
    return name


def _close_thread_loop() -> None:
    """Close the event loop nbclient made for this (worker) thread."""
    try:
        loop = asyncio.get_event_loop_policy().get_event_loop()
    except RuntimeError:  # none was made
        return
    if loop.is_running() or loop.is_closed():
        return
    pending = asyncio.all_tasks(loop)  # nbclient's pollers after a time-out or a dead kernel
    for task in pending:
        task.cancel()
    if pending:
        loop.run_until_complete(asyncio.wait(pending, timeout=5))
    loop.close()


def _holds(future: Future[Slot], slot: Slot) -> bool:
    try:
        return future.result() is slot
    except Exception:  # noqa: BLE001 - a turn that failed to prepare holds nothing
        return False


def _log_exception(log: BinaryIO, exc: BaseException) -> None:
    """The traceback, as the papermill command printed it on its way out."""
    log.write("".join(traceback.format_exception(exc)).encode())
    log.flush()


@contextlib.contextmanager
def _papermill_log(log: BinaryIO) -> Iterator[None]:
    """papermill's messages of this thread into ``log`` (as its command line printed them)."""
    logger = logging.getLogger("papermill")
    handler = logging.StreamHandler(io.TextIOWrapper(log, write_through=True))
    handler.setFormatter(logging.Formatter("%(message)s"))
    me = threading.get_ident()
    handler.addFilter(lambda record: record.thread == me)
    if logger.getEffectiveLevel() > logging.INFO:
        logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        handler.stream.detach()


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
    with Executor(
        output,
        private=private,
        cell_timeout=cell_timeout,
        seed_tar=seed_tar,
        lane=lane,
        jobs=jobs,
    ) as ex:
        for outcome in ex.run_all(notebooks):
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
