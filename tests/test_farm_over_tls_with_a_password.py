"""The farm the way docs/farm.md runs it between machines: Redis with a password, reached only
over TLS (``rediss://`` with the farm's own CA), here on loopback. A worker and the teacher's
side grade three submissions through it with the scores of the same grading here; a wrong
password, a plain connection and a CA that did not sign the server are refused, with a message
that names the fix and never the password."""

from __future__ import annotations

import shutil
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

from autograder.errors import CourseError
from autograder.farm import app as farm_app
from autograder.farm import client
from autograder.farm.redis_server import RedisServer, Tls
from autograder.grading import submission
from autograder.grading.limits import Limits
from autograder.grading.worker import Job
from tests.farm import A, fake_grade, merger, scores, worker_thread

pytestmark = pytest.mark.farm  # Debian's redis-server

PASSWORD = "s3cret/with:odd@chars"  # quoted in the URL
STUDENTS = ("blank", "partial", "perfect")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _pems(folder: Path, ca: trustme.CA) -> tuple[Path, Path, Path]:
    folder.mkdir(parents=True)
    server = ca.issue_cert("127.0.0.1")
    cert, key, ca_file = folder / "server.pem", folder / "server.key", folder / "ca.pem"
    server.private_key_pem.write_to_path(str(key))
    cert.write_bytes(b"".join(blob.bytes() for blob in server.cert_chain_pems))
    ca.cert_pem.write_to_path(str(ca_file))
    return cert, key, ca_file


@pytest.fixture
def tls_redis(tmp_path: Path) -> Iterator[RedisServer]:
    cert, key, ca = _pems(tmp_path / "pki", trustme.CA())
    tls = Tls(port=_free_port(), cert=cert, key=key, ca=ca)
    with RedisServer(tmp_path / "redis", password=PASSWORD, tls=tls) as server:
        yield server


def _refused(url: str) -> CourseError:
    app = farm_app.create_app(url)
    try:
        with pytest.raises(CourseError) as caught:
            farm_app.ping(app, timeout=5)
    finally:
        app.close()
    assert PASSWORD not in str(caught.value) + (caught.value.fix or ""), caught.value
    return caught.value


def test_grading_through_tls_with_a_password(
    farm_course: Path, tls_redis: RedisServer, tmp_path: Path
) -> None:
    url = tls_redis.url
    assert url.startswith("rediss://") and "127.0.0.1" in url, url
    here = tmp_path / "here"
    shutil.copytree(farm_course, here)
    local = merger(here)
    for student in STUDENTS:
        listing = submission.scan(here, student, A)
        local(fake_grade(here, Job(student, A), tmp_path / "l" / student, listing, 60, Limits()))
    seen: list[str] = []
    with worker_thread(url, work_dir=str(tmp_path / "worker")):
        outcomes = client.grade(
            farm_course, [Job(s, A) for s in STUDENTS], url, time_limit=60, limits=Limits(),
            merger=merger(farm_course), echo=seen.append, interval=0.1,
        )  # fmt: skip
    assert all(o.status == "graded" for o in outcomes), [(o.job, o.problems) for o in outcomes]
    assert scores(farm_course) == scores(here), f"farm {scores(farm_course)} here {scores(here)}"
    assert not any(PASSWORD in line for line in seen), f"the password was echoed: {seen}"


def test_a_wrong_password_is_refused(tls_redis: RedisServer) -> None:
    wrong = tls_redis.url.replace("s3cret", "guess", 1)
    error = _refused(wrong)
    assert "password" in (error.fix or "").lower(), f"fix does not name the password: {error}"


def test_a_plain_connection_to_the_tls_port_is_refused(tls_redis: RedisServer) -> None:
    plain = tls_redis.url.replace("rediss://", "redis://", 1).split("?")[0]
    error = _refused(plain)
    assert "no Redis answers" in error.message, error


def test_a_server_the_ca_did_not_sign_is_refused(tls_redis: RedisServer, tmp_path: Path) -> None:
    other = tmp_path / "other-ca.pem"
    trustme.CA().cert_pem.write_to_path(str(other))
    assert tls_redis.tls is not None
    error = _refused(tls_redis.url.replace(str(tls_redis.tls.ca), str(other)))
    assert "tls" in (error.fix or "").lower(), f"fix does not name TLS: {error}"
