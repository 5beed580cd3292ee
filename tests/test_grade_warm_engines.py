"""Warm engines: the next submissions' engines start while others grade, no more than asked.

Engine-free: a backend whose engines are fakes that record their start and stop (the real
engines' start is covered by every grading test, which now leases warm engines)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from autograder.seed import Seeds
from tests.fake_backend import RecordingBackend

WAIT = 30  # s: a bound on waiting for a background thread, never a pass/fail by speed


@dataclass
class FakeEngine:
    name: str
    tar: object = None  # the bundle its template holds
    docker_host: str = "unix:///nowhere"
    up: bool = True
    stopped: bool = False
    leased: bool = False

    def alive(self) -> bool:
        return self.up

    def disk_full(self) -> str | None:
        return None


@dataclass
class Record:
    started: list[FakeEngine] = field(default_factory=list)
    fail_next: int = 0
    gate: threading.Semaphore = field(default_factory=lambda: threading.Semaphore(0))
    lock: threading.Lock = field(default_factory=threading.Lock)


class FakeBackend(RecordingBackend):
    def _start_engine(self, name, cgroup, tar=None):
        with self.record.lock:
            if self.record.fail_next:
                self.record.fail_next -= 1
                raise RuntimeError("engine would not start")
            pe = FakeEngine(name, tar)
            self.record.started.append(pe)
        self.record.gate.release()  # one more engine is up
        return pe

    def _lease_extras(self, pe):
        pe.leased = True
        return {}

    def _stop_engine(self, pe) -> None:
        pe.stopped = True


def _wait_started(record: Record, n: int) -> None:
    for _ in range(n):
        assert record.gate.acquire(timeout=WAIT), f"only {len(record.started)} engines started"


def test_engines_start_before_their_lease_and_never_more_than_expected() -> None:
    record = Record()
    with FakeBackend(record) as backend:
        backend.expect(3, at_once=2)
        _wait_started(record, 2)
        warm = list(record.started)
        assert not any(pe.leased for pe in warm), "an engine was leased before any lease"
        for _ in range(3):
            with backend.lease() as lease:
                assert lease.docker_host
        assert record.started[:2] == warm, "the first leases did not take the warm engines"
    names = [pe.name for pe in record.started]
    assert len(names) == 3, f"3 leases were expected, {len(names)} engines started: {names}"
    assert all(pe.stopped for pe in record.started), "an engine was left running"


def test_a_warm_engine_that_died_is_not_handed_out() -> None:
    record = Record()
    with FakeBackend(record) as backend:
        backend.expect(1, at_once=1)
        _wait_started(record, 1)
        dead = record.started[0]
        dead.up = False
        with backend.lease() as lease:
            assert lease.netns != dead.name, "the dead warm engine was leased"
            assert lease.engine_alive(), "the lease's engine is not alive"
    assert len(record.started) == 2, f"engines started: {[pe.name for pe in record.started]}"
    assert all(pe.stopped for pe in record.started)


def test_a_warm_engine_that_failed_to_start_is_replaced() -> None:
    record = Record(fail_next=1)
    with FakeBackend(record) as backend:
        backend.expect(1, at_once=1)
        with backend.lease() as lease:
            assert lease.netns == record.started[0].name, f"leased {lease.netns}"
    assert [pe.stopped for pe in record.started] == [True]


def test_close_stops_warm_engines_no_lease_took() -> None:
    record = Record()
    backend = FakeBackend(record)
    backend.expect(5, at_once=2)
    _wait_started(record, 2)
    backend.close()
    assert record.started, "no engine was warmed"
    assert all(pe.stopped and not pe.leased for pe in record.started), record.started


def test_without_expect_a_lease_starts_its_own_engine() -> None:
    record = Record()
    with FakeBackend(record) as backend:
        assert record.started == []
        with backend.lease():
            assert len(record.started) == 1
    assert len(record.started) == 1 and record.started[0].stopped


@pytest.mark.parametrize("leases", [0, 1])
def test_no_engine_warms_for_leases_that_will_not_come(leases: int) -> None:
    record = Record()
    with FakeBackend(record) as backend:
        backend.expect(leases, at_once=3)
        _wait_started(record, leases)
        for _ in range(leases):
            with backend.lease():
                pass
    assert len(record.started) == leases, f"{len(record.started)} engines for {leases} leases"


def test_each_lease_gets_an_engine_of_its_sections_template() -> None:
    record = Record()
    seeds = Seeds(Path("all.tar"), {"01-concepts": Path("busybox.tar")})
    order = ["01-concepts", "02-build-run", "01-concepts", "07-unknown"]
    with FakeBackend(record, seeds) as backend:
        backend.expect(order, at_once=2)
        _wait_started(record, 2)
        # asked in another order than announced: each still takes one of its own template
        for section in ["02-build-run", "01-concepts", "07-unknown", "01-concepts"]:
            with backend.lease(section) as lease:
                got = next(pe for pe in record.started if pe.name == lease.netns).tar
                assert got == seeds.tar(section), f"{section} leased an engine of {got}"
    tars = sorted(str(pe.tar) for pe in record.started)
    assert tars == ["all.tar", "all.tar", "busybox.tar", "busybox.tar"], tars
    assert all(pe.stopped for pe in record.started), "an engine was left running"
