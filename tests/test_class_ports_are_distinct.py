"""The hub's own ports (its API and the proxy's API) differ from each other and from the public
port the teacher chose: one bench run's proxy API answered 404, as a server other than
configurable-http-proxy's API would."""

from autograder.hub import server


def test_the_hubs_ports_differ_from_each_other_and_the_public_one() -> None:
    for _ in range(50):
        hub, proxy_api = server._free_ports(2, besides=8000)
        assert len({8000, hub, proxy_api}) == 3, (hub, proxy_api)
