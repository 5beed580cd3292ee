"""`docker-course grade` without -j grades one more submission than the machine has cores, as
far as memory holds every one at its limit (three quarters of the machine's memory)."""

from __future__ import annotations

import os

import pytest

from autograder.grading import limits


@pytest.fixture
def machine(monkeypatch: pytest.MonkeyPatch):
    def set_(cores: int, memory_gb: int) -> None:
        pages = {"SC_PHYS_PAGES": memory_gb * 2**30 // 4096, "SC_PAGE_SIZE": 4096}
        monkeypatch.setattr(os, "cpu_count", lambda: cores)
        monkeypatch.setattr(os, "sysconf", lambda name: pages[name])

    return set_


@pytest.mark.parametrize(
    ("cores", "memory_gb", "jobs"),
    [(2, 24, 3), (8, 64, 9), (4, 8, 3), (16, 4, 1), (1, 1, 1)],
)
def test_cores_plus_one_as_memory_allows(machine, cores: int, memory_gb: int, jobs: int) -> None:
    machine(cores, memory_gb)
    assert limits.default_jobs(limits.DEFAULT) == jobs, (cores, memory_gb)


def test_a_smaller_limit_lets_more_run(machine) -> None:
    machine(4, 8)
    small = limits.Limits(memory_mb=1024)
    assert limits.default_jobs(small) == 5, limits.default_jobs(small)
