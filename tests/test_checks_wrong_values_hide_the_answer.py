"""A wrong computed value fails with what kind of wrong it is (a type, a short ID, another
image's ID, a missing "sha256:") and never with the value the engine computed."""

from typing import Any, ClassVar

import pytest

from autograder.checks import Computed

RIGHT = "sha256:" + "ab12" * 16  # what the engine computes: the answer
BUSYBOX = "sha256:" + "cd34" * 16  # another image the engine has


class Api:
    def images(self) -> list[dict[str, Any]]:
        return [{"Id": BUSYBOX, "RepoTags": ["busybox:1.37"], "RepoDigests": []}]

    def containers(self, all: bool = False) -> list[dict[str, Any]]:
        return [{"Id": "ef56" * 16, "Names": ["/hello1"]}]


class Engine:
    api = Api()


@pytest.mark.parametrize(
    ("given", "said"),
    [
        ("sha256:" + "0" * 64, "엔진에서 계산한 값과 다름"),
        (RIGHT[:19], "짧은 ID"),
        (RIGHT[7:], '"sha256:"이 빠짐'),
        (BUSYBOX, "이미지 busybox:1.37의 ID"),
        ("ef56" * 16, "컨테이너 hello1의 ID"),
        (42, "정수(int)"),
        (None, "문자열(str)이 필요"),
        ("study/hello:1.0", "ID 형식이 아님"),
    ],
)
def test_a_wrong_id_says_what_is_wrong_not_the_id(given: object, said: str) -> None:
    result = Computed("image_id", given, lambda dc: RIGHT).run(Engine())
    assert not result.passed, f"{given!r} passed as {RIGHT!r}"
    assert said in result.message, f"expected {said!r} in:\n{result.message}"
    for leak in (RIGHT, RIGHT[7:], RIGHT[7 + 20 :]):
        assert leak not in result.message, f"the answer shows in:\n{result.message}"


@pytest.mark.parametrize(
    ("given", "truth", "said"),
    [
        (["sha256:" + "1" * 64, RIGHT], [RIGHT, "sha256:" + "1" * 64], "순서가 다름"),
        ([RIGHT], [RIGHT, BUSYBOX], "항목 수가 다름"),
        (3, 7, "엔진에서 계산한 값과 다름"),
        ("draft", None, "엔진에서 계산한 값과 다름"),
    ],
)
def test_other_wrong_values_keep_the_answer(given: object, truth: object, said: str) -> None:
    result = Computed("x", given, lambda dc: truth).run(Engine())
    assert not result.passed and said in result.message, result.message
    assert repr(truth) not in result.message, f"the answer shows in:\n{result.message}"
    assert "None" not in result.expected, f"None told as the kind wanted: {result.expected}"


LAYERS = ["sha256:" + "1a" * 32, "sha256:" + "2b" * 32]


class Image:
    id = "sha256:" + "9f" * 32  # a manifest digest (containerd store): not the config's
    attrs: ClassVar[dict[str, Any]] = {"RootFS": {"Layers": LAYERS}}


@pytest.mark.parametrize(
    ("given", "said"),
    [
        (LAYERS[1], "2번째 레이어의 diff ID"),
        (RIGHT[7:], '"sha256:"이 빠짐'),
        (b"{}", "바이트(bytes)"),
    ],
)
def test_a_wrong_config_digest_keeps_the_digest(
    given: object, said: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from autograder.checks import IsConfigDigest, archive

    monkeypatch.setattr(archive, "get_image", lambda dc, ref: Image())
    monkeypatch.setattr(archive, "_config_digest", lambda image: RIGHT)
    result = IsConfigDigest("computed_id", given, "study/hello:1.0").run(Engine())
    assert not result.passed and said in result.message, result.message
    assert RIGHT[7:] not in result.message, f"the digest shows in:\n{result.message}"
