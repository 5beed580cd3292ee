"""`engine up` twice starts one dockerd; status reports it; `down` stops it."""

from autograder import engine
from autograder.private_engine import PrivateEngine


def test_second_up_is_a_no_op_and_down_stops_it() -> None:
    with PrivateEngine() as pe:
        first = pe.info
        assert first is not None and first.pid, f"up did not record a pid: {first}"
        second = engine.up(pe.spec)
        assert second.pid == first.pid, f"second up started another dockerd: {second.pid}"
        status = engine.probe(pe.spec)
        assert status is not None and status.pid == first.pid, f"status said {status}"
        stopped = engine.down(pe.spec)
        assert stopped == first.pid, f"down stopped {stopped}, expected {first.pid}"
        assert engine.probe(pe.spec) is None, "the engine still answers after down"
