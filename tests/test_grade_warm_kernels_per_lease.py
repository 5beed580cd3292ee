"""Kernels started ahead, per lease: each engine's kernel goes to that engine's lease only, a
dead one is not handed out, one that would not start leaves nbgrader to start it, and every
kernel is closed with its engine, also those no lease took.

Engine-free: a backend whose engines and kernels are fakes that record what happened to them
(the real kernels: ``test_warm_kernel_*``; real grading: every grading test)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from tests.fake_backend import RecordingBackend

WAIT = 30  # s: a bound on waiting for a background thread, never a pass/fail by speed


@dataclass
class FakeEngine:
    name: str
    docker_host: str = "unix:///nowhere"

    def alive(self) -> bool:
        return True

    def disk_full(self) -> str | None:
        return None


@dataclass
class FakeKernel:
    engine: str
    alive: bool = True
    closed: int = 0

    def handover(self) -> str | None:
        return f"kernel of {self.engine}" if self.alive else None

    def close(self) -> None:
        self.closed += 1


@dataclass
class Record:
    kernels: list[FakeKernel] = field(default_factory=list)
    stopped: list[str] = field(default_factory=list)
    refuse: bool = False
    started: threading.Semaphore = field(default_factory=lambda: threading.Semaphore(0))


class FakeBackend(RecordingBackend):
    def _start_engine(self, name, cgroup, tar=None):
        return FakeEngine(name)

    def _start_kernel(self, pe, cgroup):
        try:
            if self.record.refuse:
                raise OSError("the kernel would not start")
            kernel = FakeKernel(pe.name)
            self.record.kernels.append(kernel)
            return kernel
        finally:
            self.record.started.release()

    def _lease_extras(self, pe):
        return {}

    def _stop_engine(self, pe) -> None:
        self.record.stopped.append(pe.name)


def test_each_lease_gets_its_own_kernel_and_all_are_closed() -> None:
    record = Record()
    with FakeBackend(record) as backend:
        backend.expect(3, at_once=2)
        handed = []
        for _ in range(3):
            with backend.lease() as lease:
                handed.append((lease.netns, lease.kernel))
    assert [k for _, k in handed] == [f"kernel of {e}" for e, _ in handed], handed
    assert len({k for _, k in handed}) == 3, f"a kernel served two leases: {handed}"
    assert [k.closed for k in record.kernels] == [1, 1, 1], record.kernels


def test_a_dead_kernel_is_not_handed_out() -> None:
    record = Record()
    with FakeBackend(record) as backend:
        backend.expect(1, at_once=1)
        assert record.started.acquire(timeout=WAIT), "no kernel was started ahead"
        record.kernels[0].alive = False
        with backend.lease() as lease:
            assert lease.kernel is None, f"a dead kernel was handed out: {lease.kernel}"
    assert record.kernels[0].closed == 1, "the dead kernel was not closed (reaped)"


def test_a_kernel_that_would_not_start_leaves_it_to_nbgrader() -> None:
    record = Record(refuse=True)
    with FakeBackend(record) as backend, backend.lease() as lease:
        assert lease.kernel is None and lease.netns, f"lease: {lease}"
    assert len(record.stopped) == 1, f"engines stopped: {record.stopped}"


def test_close_closes_kernels_no_lease_took() -> None:
    record = Record()
    backend = FakeBackend(record)
    backend.expect(5, at_once=2)
    for _ in range(2):
        assert record.started.acquire(timeout=WAIT), "the warm engines' kernels did not start"
    backend.close()
    assert [k.closed for k in record.kernels] == [1, 1], record.kernels
    assert sorted(record.stopped) == sorted(k.engine for k in record.kernels), record.stopped
