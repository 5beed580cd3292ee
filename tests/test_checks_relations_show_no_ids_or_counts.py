"""Checks of how images and containers relate fail by naming images and telling the relation
(another image, new layers, which tags differ), never by image IDs or an image's layer count:
both are answers that other tasks ask students to find."""

from dataclasses import dataclass, field
from typing import Any

import docker.errors

from autograder.checks import ContainerFromImage, LayersExtend, OnlyTopLayerDiffers, TagsShareId

OLD, NEW = "sha256:" + "a1" * 32, "sha256:" + "b2" * 32
LAYERS = [f"sha256:{n:064x}" for n in range(7)]  # study/hello:1.0 has 7 layers: an answer


@dataclass
class Image:
    id: str
    tags: list[str]
    layers: list[str] = field(default_factory=list)

    @property
    def attrs(self) -> dict[str, Any]:
        return {"RootFS": {"Layers": self.layers}}


class Images:
    def __init__(self, *images: Image) -> None:
        self.by = {key: i for i in images for key in (i.id, *i.tags)}

    def get(self, ref: str) -> Image:
        if ref not in self.by:
            raise docker.errors.ImageNotFound(ref)
        return self.by[ref]


@dataclass
class Container:
    attrs: dict[str, Any]


class Containers:
    def get(self, name: str) -> Container:
        return Container({"Image": OLD})


class Engine:
    def __init__(self, *images: Image) -> None:
        self.images, self.containers = Images(*images), Containers()


def _clean(message: str) -> None:
    for secret in (OLD[7:19], NEW[7:19], "7개"):
        assert secret not in message, f"{secret!r} shows in:\n{message}"


def test_container_from_another_image_names_it() -> None:
    dc = Engine(Image(NEW, ["study/hello:1.0"]), Image(OLD, ["busybox:1.37"]))
    result = ContainerFromImage("hello1", "study/hello:1.0").run(dc)
    assert not result.passed and "busybox:1.37" in result.seen, result.message
    _clean(result.message)


def test_tags_on_two_images_are_grouped() -> None:
    dc = Engine(Image(NEW, ["study/hello:1.0", "study/hello:stable"]), Image(OLD, ["x:latest"]))
    result = TagsShareId(("study/hello:1.0", "study/hello:stable", "x:latest")).run(dc)
    assert not result.passed and "서로 다른 이미지 2개" in result.seen, result.message
    _clean(result.message)


def test_layer_relations_tell_no_layer_count() -> None:
    base = Image(NEW, ["study/hello:1.0"], LAYERS)
    dc = Engine(base, Image(OLD, ["study/hello:1.1"], [*LAYERS[:-1], "sha256:" + "c3" * 32]))
    extended = LayersExtend("study/hello:1.0", "study/hello:1.1").run(dc)
    assert not extended.passed and "아래 레이어가" in extended.seen, extended.message
    dc = Engine(base, Image(OLD, ["study/hello:1.1"], [*LAYERS, "sha256:" + "c3" * 32]))
    top = OnlyTopLayerDiffers("study/hello:1.0", "study/hello:1.1").run(dc)
    assert not top.passed and "1개 더 많음" in top.seen, top.message
    for result in (extended, top):
        _clean(result.message)
