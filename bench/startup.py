"""Figure 6, start-up: ``images prepare`` when every image is present (a no-op; the library
call and the whole CLI process), and ``make lab`` warm, from the command to JupyterLab
answering ``/api`` (the process group is killed after each start).

``python bench/startup.py [repeats]`` prints the ``images prepare`` figures alone (this absorbs
the former ``bench/prepare_noop.py``).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

import common
from common import ROOT, say


def prepare_noop(repeats: int) -> tuple[list[float], list[float]]:
    from autograder import engine, images

    dc = engine.client()
    images.prepare(dc, report=lambda _: None)  # make sure all are present first
    lib = [common.timed(lambda: images.prepare(dc, report=lambda _: None)) for _ in range(repeats)]
    cli = str(common.BIN / "docker-course")
    proc = [
        common.timed(
            lambda: subprocess.run([cli, "images", "prepare"], check=True, capture_output=True)
        )
        for _ in range(max(2, repeats // 4))
    ]
    return lib, proc


def lab_once(timeout: float = 180.0) -> float:
    """Seconds from `make lab` to HTTP 200 on /api; the whole process group is stopped after."""
    port = common.free_port()
    log = open(os.devnull, "wb")  # noqa: SIM115 - closed below, after the process group
    started = time.perf_counter()
    proc = subprocess.Popen(
        ["make", "--no-print-directory", "lab", f"LAB_PORT={port}"],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        while True:
            with (
                contextlib.suppress(OSError, urllib.error.URLError),
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api", timeout=2) as reply,
            ):
                if reply.status == 200:
                    return time.perf_counter() - started
            if proc.poll() is not None:
                raise common.BenchBroken(f"make lab exited with {proc.returncode} before answering")
            if time.perf_counter() - started > timeout:
                raise common.BenchBroken(f"JupyterLab did not answer within {timeout:g} s")
            time.sleep(0.1)
    finally:
        _stop_group(proc)
        log.close()


def _stop_group(proc: subprocess.Popen) -> None:
    for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 10)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def run(settings: common.Settings, shared: dict) -> dict:
    repeats = 5 if settings.quick else 20
    labs = 1 if settings.quick else settings.lab_repeats
    say(f"figure 6: images prepare (no-op) × {repeats}, make lab warm start × {labs}")
    lib, cli = prepare_noop(repeats)
    lab = []
    for _ in range(labs):
        lab.append(lab_once())
        say(f"  make lab → /api answers: {lab[-1]:.1f} s")
    return {"lib": lib, "cli": cli, "lab": lab}


def markdown(res: dict) -> tuple[list[str], str]:
    lib, cli, lab = (common.summary(res[k]) for k in ("lib", "cli", "lab"))
    headline = [
        "6. Start-up: images prepare (no-op) / make lab warm",
        f"{lib.median * 1000:.0f} ms in-process, {cli.median:.2f} s CLI / {lab.median:.1f} s",
        "(report)",
        "",
    ]
    lines = [
        "## 6. Start-up",
        "",
        common.table(
            ["", "median and spread"],
            [
                ("`images prepare`, all present, library call", lib.fmt("ms", 1, 1000)),
                ("`images prepare`, all present, CLI process", cli.fmt()),
                ("`make lab` → JupyterLab answers `/api` (warm)", lab.fmt()),
            ],
        ),
        "",
        "`make lab` runs in its own process group with `LAB_PORT` set to a free port; the clock "
        "stops at the first HTTP 200 from `http://127.0.0.1:PORT/api` (polled every 0.1 s), "
        "then the group is stopped. Warm: the venv, the engine and the images are already there, "
        "so this is make's set-up checks (`engine up`, `images prepare`) plus JupyterLab's start.",
    ]
    return headline, "\n".join(lines)


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    lib_times, cli_times = prepare_noop(n)
    for name, values in (("library call", lib_times), ("CLI process", cli_times)):
        s = common.summary(values)
        print(f"images prepare (no-op), {name}: {s.fmt('ms', 1, 1000)}")
