"""How many times a submission was handed to a worker: one that keeps killing its worker
(the worker is lost, Redis hands it out again) is reported failed after a few tries instead
of going round forever."""

from __future__ import annotations

import time

KEY = "docker-course:attempts:{task}"
TTL = 14 * 24 * 3600


class Attempts:
    def __init__(self, store, limit: int) -> None:
        self.store = store
        self.limit = limit

    def begin(self, task: str, worker: str) -> tuple[int, list[str]]:
        """Count one more try of ``task`` on ``worker``: (this try's number, where the earlier
        tries ran)."""
        key = KEY.format(task=task)
        with self.store.pipeline() as pipe:  # MULTI/EXEC: the count and the log move together
            pipe.incr(key)
            pipe.expire(key, TTL)
            pipe.rpush(key + ":log", f"{worker} at {time.strftime('%H:%M:%S')}")
            pipe.expire(key + ":log", TTL)
            pipe.lrange(key + ":log", 0, -1)
            count, _, _, _, log = pipe.execute()
        return int(count), [x.decode() if isinstance(x, bytes) else x for x in log[:-1]]

    def lost(self, task: str, why: str) -> None:
        """Say why the last try of ``task`` ended without a result (its slot died: signal)."""
        key = KEY.format(task=task) + ":log"
        last = self.store.lindex(key, -1)
        if last is not None:
            last = last.decode() if isinstance(last, bytes) else last
            self.store.lset(key, -1, f"{last}: {why}"[:300])

    def exhausted(self, count: int) -> bool:
        return count > self.limit

    def why(self, count: int, earlier: list[str]) -> str:
        return (
            f"not graded: its worker was lost {count - 1} times while grading it "
            f"({'; '.join(earlier[-self.limit :])}); a submission that stops its worker "
            f"(memory, processes) is tried {self.limit} times"
        )

    def clear(self, task: str) -> None:
        key = KEY.format(task=task)
        self.store.delete(key, key + ":log")
