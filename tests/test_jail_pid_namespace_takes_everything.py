"""Everything a jail runs lives in the jail's pid namespace: a daemon that left its session
(setsid, double fork) dies when the namespace's init is killed, without any cgroup or uid
sweep (hosts without cgroup v1 controllers rely on this)."""

import secrets
import subprocess
from pathlib import Path

import pytest

from autograder import jail, procs
from autograder.waiting import wait_until

MARK = "987656"  # the daemon's argument, used by no other process


@pytest.fixture
def slot() -> jail.Slot:
    assert jail.why_unavailable() is None, jail.why_unavailable()
    held = jail.claim_slot()
    yield held
    jail.kill_user_processes(held.user)
    held.release()


def _daemons() -> list[int]:
    wanted = b"sleep\0" + MARK.encode() + b"\0"
    found = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            if (proc / "cmdline").read_bytes() == wanted:
                found.append(int(proc.name))
        except OSError:
            continue
    return found


def test_a_daemon_dies_with_the_namespace(slot: jail.Slot, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    with jail.Jail(f"pidns-test-{secrets.token_hex(3)}", slot.user, home) as j:
        argv = j.argv(["sh", "-c", f"setsid sh -c 'sleep {MARK} &' </dev/null >/dev/null 2>&1"],
                      cwd=home, env={})  # fmt: skip
        subprocess.run(argv, check=True, timeout=30)
        wait_until(lambda: bool(_daemons()), timeout=10, what="the daemon to start")
        held = [procs.Process(pid) for pid in _daemons()]
        assert jail.kill_pid_namespace(j.pidfile) >= 1, "no process found in the namespace"
        for daemon in held:
            assert daemon.wait_dead(10), f"pid {daemon.pid} outlived its pid namespace"
    assert not _daemons()
