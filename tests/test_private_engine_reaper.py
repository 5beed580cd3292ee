"""Leftovers of a killed grading run (namespace, folders) are found and removed; live private
engines are left alone."""

import subprocess
from pathlib import Path

from autograder import private_engine as pe_module
from autograder import procs


def test_dead_leftovers_are_reaped() -> None:
    name = pe_module.PREFIX + "deadbeef"
    subprocess.run(["ip", "netns", "add", name], check=True)
    (pe_module.RUN_BASE / name).mkdir(parents=True, exist_ok=True)
    (pe_module.DATA_BASE / name).mkdir(parents=True, exist_ok=True)
    try:
        assert name not in pe_module.reap_leftovers(), "reaped while maybe still starting"
        removed = pe_module.reap_leftovers(min_age=0)
        assert name in removed, f"reaper removed {removed}"
        listed = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
        assert name not in listed, listed
        assert not (pe_module.RUN_BASE / name).exists()
        assert not (pe_module.DATA_BASE / name).exists()
    finally:
        subprocess.run(["ip", "netns", "delete", name], capture_output=True)


def test_live_engines_are_left_alone(private_engine) -> None:
    removed = pe_module.reap_leftovers(min_age=0)
    assert private_engine.name not in removed, "the reaper stopped a live engine"
    assert Path(f"/var/run/netns/{private_engine.name}").exists()


def test_engine_of_a_killed_owner_is_reaped() -> None:
    """A grader killed with its engine still running: the next run stops and removes it."""
    owner = subprocess.Popen(["sleep", "60"])
    engine = pe_module.PrivateEngine()
    try:
        engine.start()
        (engine.spec.state_dir / "owner.pid").write_text(str(owner.pid))  # the grader: `sleep`
        start = str(procs.start_time(owner.pid))  # a pid with another start is another process
        (engine.spec.state_dir / pe_module.OWNER_START).write_text(start)
        assert engine.name not in pe_module.reap_leftovers(), "reaped while its owner lives"
        owner.kill()
        owner.wait()
        assert engine.name in pe_module.reap_leftovers(), "the orphaned engine was left running"
        listed = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
        assert engine.name not in listed, listed
    finally:
        owner.kill()
        engine.stop()
