"""A reaped ``!command`` pty closes at once; one that may still run keeps ptyprocess's pause."""

from __future__ import annotations

import time

import pytest
from ptyprocess import PtyProcess

from autograder import shell


@pytest.fixture
def sleeps(monkeypatch) -> list[float]:
    seen: list[float] = []
    monkeypatch.setattr(PtyProcess, "close", PtyProcess.close)  # undone after the test
    shell.install()
    real = time.sleep

    def sleep(seconds: float) -> None:  # ptyprocess calls time.sleep
        seen.append(seconds)
        real(seconds)

    monkeypatch.setattr(time, "sleep", sleep)
    return seen


def test_a_reaped_command_closes_without_sleeping(sleeps: list[float]) -> None:
    child = PtyProcess.spawn(["true"])
    while child.isalive():  # IPython's system() reaps the same way before it returns
        pass
    child.close()
    assert child.closed and child.exitstatus == 0, (child.closed, child.exitstatus)
    assert not any(sleeps), f"a reaped child's close still slept: {sleeps}"


def test_a_running_command_keeps_the_pause_and_is_terminated(sleeps: list[float]) -> None:
    child = PtyProcess.spawn(["sleep", "30"])
    child.close(force=True)
    assert 0.1 in sleeps, f"ptyprocess's pause before the status check is gone: {sleeps}"
    assert child.closed and not child.isalive(), "a running child outlived close()"


def test_install_twice_wraps_once(sleeps: list[float]) -> None:
    wrapped = PtyProcess.close
    assert shell.install() and PtyProcess.close is wrapped, "a second setup cell wrapped again"
