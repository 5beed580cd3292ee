"""Submissions that Redis lost: not queued, not in a worker's hands, no result.

With ``appendonly yes`` and ``appendfsync always`` Redis keeps every queued submission through
a crash; with ``everysec`` (Redis's default for the append-only file) a crash may lose the last
second of writes, and a Redis started without its file (or flushed) has lost everything. A
teacher's run would then wait for results that never come. :func:`lost` tells them apart from
submissions that are merely waiting, using kombu's Redis transport as it stores them: the queue
is a list of messages (one list per priority step), a message handed to a worker stays in the
``unacked`` hash until the worker acknowledges it (after its result is stored), and a task a
worker began has a state in the result backend.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from celery import states

UNACKED = "unacked"  # kombu's Redis transport: delivery tag → [message, exchange, routing key]
PRIORITY_SEP = "\x06\x16"  # kombu's Redis transport: a priority step's list is QUEUE + SEP + n


def _task_id(raw: bytes | str) -> str | None:
    try:
        message = json.loads(raw)
        if isinstance(message, list):  # an unacked entry: [message, exchange, routing key]
            message = message[0]
        return str(message["headers"]["id"])
    except (ValueError, KeyError, IndexError, TypeError):
        return None  # not a Celery message of protocol 2: not ours to judge


def held(client, queue: str) -> set[str]:
    """Task ids Redis holds as messages: queued in ``queue`` (any priority) or handed out."""
    found: set[str] = set()
    keys = [queue, *client.scan_iter(match=f"{queue}{PRIORITY_SEP}*", count=100)]
    for key in keys:
        found.update(filter(None, map(_task_id, client.lrange(key, 0, -1))))
    found.update(filter(None, map(_task_id, client.hvals(UNACKED))))
    return found


def lost(app, pending: Iterable[str]) -> set[str]:
    """Those of ``pending`` Redis holds nowhere: no message (queued or handed out) and no state
    (a worker that began one records STARTED). A message moves from the queue to the
    ``unacked`` hash in two steps, so a submission is judged lost only when two calls, some
    seconds apart, both say so (see ``client._collect``)."""
    from .app import QUEUE, store

    client = store(app)
    messages = held(client, app.conf.task_default_queue or QUEUE)
    return {
        tid for tid in pending
        if tid not in messages and app.AsyncResult(tid).state == states.PENDING
    }  # fmt: skip
