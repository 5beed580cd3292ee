"""The one line every section shows about the student's engine: image store read from
`docker info`, builder from the CLI's buildx plugin."""

from autograder.engine_kind import EngineKind, image_store

CLASSIC_INFO = {"Driver": "overlay2", "DriverStatus": [["Backing Filesystem", "extfs"]]}
CONTAINERD_INFO = {  # Docker 28/29 with the containerd image store (facts.md)
    "Driver": "overlayfs",
    "DriverStatus": [["driver-type", "io.containerd.snapshotter.v1"]],
}


def test_image_store_is_read_from_driver_status() -> None:
    assert image_store(CLASSIC_INFO) == "classic"
    assert image_store(CONTAINERD_INFO) == "containerd"
    assert image_store({"DriverStatus": None}) == "classic"


def test_the_line_names_all_four() -> None:
    modern = EngineKind("29.0.1", "1.52", "containerd", "BuildKit", "29.0.1").line()
    assert "Docker 29.0.1 (API 1.52)" in modern and "containerd" in modern, modern
    assert "BuildKit" in modern and "CLI 29.0.1" in modern, modern
    old = EngineKind("20.10.24", "1.41", "classic", "classic", "").line()
    assert "클래식 빌더" in old and "docker CLI 없음" in old, old
