"""The worker's systemd unit in docs/farm.md is the file ``docs/docker-course-worker.service``;
systemd accepts it (``systemd-analyze verify``, nothing printed), and its ``ExecStart`` is a
command line the worker's own option parser takes."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from pathlib import Path

import click

from autograder import cli

ROOT = Path(__file__).resolve().parents[1]
UNIT = ROOT / "docs" / "docker-course-worker.service"
INSTALLED = "/opt/docker-course"


def test_the_docs_show_the_unit_file() -> None:
    docs = (ROOT / "docs" / "farm.md").read_text()
    block = re.search(
        r"```ini\n(# /etc/systemd/system/docker-course-worker\.service.*?)```", docs, re.S
    )
    assert block, "docs/farm.md has no ini block with the worker unit"
    assert block.group(1) == UNIT.read_text(), "docs/farm.md's unit and the file differ"


def test_systemd_accepts_the_unit(tmp_path: Path) -> None:
    text = UNIT.read_text()
    assert f"ExecStart={INSTALLED}/.venv/bin/docker-course" in text, text
    (tmp_path / "farm.env").write_text("FARM_URL=redis+socket:///run/redis/redis.sock\n")
    here = text.replace(f"{INSTALLED}/.venv", str(ROOT / ".venv")).replace(INSTALLED, str(ROOT))
    here = here.replace("/etc/docker-course/farm.env", str(tmp_path / "farm.env"))
    unit = tmp_path / "docker-course-worker.service"
    unit.write_text(here)
    assert shutil.which("systemd-analyze"), "no systemd-analyze: `make farm` installs systemd"
    done = subprocess.run(
        ["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, timeout=60
    )
    said = (done.stdout + done.stderr).strip()
    assert done.returncode == 0 and not said, f"systemd-analyze verify ({done.returncode}): {said}"


def test_exec_start_is_a_worker_command_line() -> None:
    line = next(x for x in UNIT.read_text().splitlines() if x.startswith("ExecStart="))
    argv = shlex.split(line.removeprefix("ExecStart="))
    assert argv[:2] == [f"{INSTALLED}/.venv/bin/docker-course", "worker"], argv
    args = [a.replace("${FARM_URL}", "rediss://x").replace("%H", "host1") for a in argv[2:]]
    with click.Context(cli.cli) as parent:
        ctx = cli.worker.make_context("worker", args, parent=parent)
    assert ctx.params["broker"] == "rediss://x" and ctx.params["concurrency"] == 2, ctx.params
    assert ctx.params["hostname"] == "grader-host1", ctx.params
