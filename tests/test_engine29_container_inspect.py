"""Engine 29 (API 1.52) removed the top-level `NetworkSettings.IPAddress` and its siblings from
container inspect. On a document written from that API's reference, every check that reads
container inspect still answers, and section 01's `show-containers` cell prints the IP from
`NetworkSettings.Networks`."""

import json
import re
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest

from autograder.checks import ContainerFromImage, ContainerRunning, MountedAt, PortPublished

ROOT = Path(__file__).resolve().parents[1]
INSPECT = json.loads((ROOT / "tests/fixtures/engine29/container-inspect.json").read_text())
REMOVED_AT_1_52 = {"IPAddress", "IPPrefixLen", "Gateway", "MacAddress", "EndpointID", "Bridge"}


class FakeEngine:
    """Just what the checks ask of a client, answering with the Engine 29 document."""

    def __init__(self) -> None:
        container = SimpleNamespace(
            attrs=INSPECT,
            status=INSPECT["State"]["Status"],
            name=INSPECT["Name"].lstrip("/"),
            short_id=INSPECT["Id"][:12],
            image=SimpleNamespace(short_id=INSPECT["Image"][7:19]),
            logs=lambda **_: b"",
        )
        image = SimpleNamespace(id=INSPECT["Image"])
        self.containers = SimpleNamespace(get=lambda name: container)
        self.images = SimpleNamespace(get=lambda ref: image)


def test_the_fixture_is_an_api_1_52_document() -> None:
    assert not REMOVED_AT_1_52 & INSPECT["NetworkSettings"].keys()


@pytest.mark.parametrize(
    "made",
    [
        ContainerRunning("hello1"),
        ContainerFromImage("hello1", "study/hello:1.0"),
        PortPublished("hello1", 3000, 3000),
        MountedAt("hello1", volume="mydata", destination="/data"),
        MountedAt("hello1", host_path="/home/student/docker-course-work/05-volumes/out"),
    ],
    ids=lambda c: type(c).__name__,
)
def test_checks_read_engine29_inspect(made) -> None:
    result = made(FakeEngine())
    assert result.passed, result.message


def test_show_containers_cell_prints_the_ip(capsys: pytest.CaptureFixture[str]) -> None:
    nb = nbformat.read(ROOT / "source/01-concepts/01-concepts.ipynb", as_version=4)
    cell = next(
        c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "show-containers"
    )
    code = "\n".join(line for line in cell.source.splitlines() if not line.startswith("!"))
    exec(compile(code, "show-containers", "exec"), {"client": FakeEngine()})
    printed = capsys.readouterr().out
    assert re.search(r"IP 172\.17\.0\.2\b", printed), printed
