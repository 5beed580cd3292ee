"""The welcome notebook says in Korean what each course image really is (issue 18): an
official image, or an offline stand-in with what it holds; the CLI keeps its English line."""

from autograder.images import COURSE_IMAGES, ImageState


def test_a_standin_says_it_is_not_the_official_image() -> None:
    note = "FROM scratch: official Node.js v24.0.0 binary"
    state = ImageState(COURSE_IMAGES[0], "stand-in", "sha256:" + "a" * 64, note=note, size=135e6)
    line = state.describe_ko()
    assert "오프라인 대체 이미지" in line and "공식 이미지가 아니라" in line and note in line, line
    assert "OFFLINE STAND-IN" in state.describe(), state.describe()


def test_an_official_image_and_a_missing_one() -> None:
    real = ImageState(COURSE_IMAGES[1], "real", "sha256:" + "b" * 64, size=2e6)
    assert "공식 이미지" in real.describe_ko(), real.describe_ko()
    assert "없음" in ImageState(COURSE_IMAGES[1], "missing").describe_ko()
