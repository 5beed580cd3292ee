"""Past the visibility timeout, Redis hands out again only the submissions nobody renews (their
worker was lost); one a live worker keeps renewing stays with that worker, however long it
grades."""

from __future__ import annotations

import time

import pytest
import redis
from kombu import Connection, Exchange, Queue

from autograder.farm import app as farm_app
from autograder.farm.redis_server import RedisServer

pytestmark = pytest.mark.farm  # Debian's redis-server


def test_only_an_unrenewed_submission_comes_back(redis_server: RedisServer) -> None:
    queue = Queue("q", Exchange("q"), "q")
    store = redis.Redis(unix_socket_path=str(redis_server.socket))
    with Connection(redis_server.url, transport_options=farm_app.transport_options(1)) as conn:
        channel = conn.channel()
        bound = queue(channel)
        bound.declare()
        for n in (1, 2):
            conn.Producer(channel).publish({"n": n}, exchange=queue.exchange, routing_key="q")
        kept, lost = bound.get(no_ack=False), bound.get(no_ack=False)
        for message in (kept, lost):  # both handed out 10 s ago, ten visibility timeouts
            store.zadd(farm_app.UNACKED_INDEX, {message.delivery_tag: time.time() - 10})
        assert farm_app.renew(store, kept.delivery_tag), "the kept submission was not renewed"
        channel.qos.restore_visible(interval=1)  # what a worker's transport does every second
        back = [m.payload["n"] for m in iter(lambda: bound.get(no_ack=True), None)]
        assert back == [2], f"handed out again: {back} (1 was renewed, 2 was not)"
        kept.ack()
        assert not farm_app.renew(store, kept.delivery_tag), "renewed after it was acknowledged"
    store.close()
