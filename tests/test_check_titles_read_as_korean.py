"""Check titles attach each particle to its word and pick it by the word's last sound
("hello1이", "1.0으로", "uid 1000으로"), with no space between."""

import pytest

from autograder.checks import (
    Check,
    ContainerFromImage,
    ContainerRunning,
    ImageAbsent,
    ImageExists,
    PortPublished,
    RunsAs,
    SharedLayers,
    VolumeExists,
)


@pytest.mark.parametrize(
    ("check", "title"),
    [
        (ImageExists("study/hello:1.0"), "이미지 study/hello:1.0이 있다"),
        (ImageAbsent("study/hello:tmp"), "이미지 study/hello:tmp는 지워졌다"),
        (ContainerRunning("hello1"), "컨테이너 hello1이 실행 중이다"),
        (ContainerRunning("hello2"), "컨테이너 hello2가 실행 중이다"),
        (
            ContainerFromImage("temp1", "study/hello:1.0"),
            "컨테이너 temp1은 이미지 study/hello:1.0으로 만들어졌다",
        ),
        (PortPublished("hello1", 3000, 8080), "hello1의 3000/tcp가 호스트 8080에 연결됐다"),
        (
            RunsAs("study/nonroot:1.0", 1000),
            "study/nonroot:1.0 컨테이너가 실제로 uid 1000으로 실행된다",
        ),
        (
            SharedLayers("study/hello:1.0", "study/hello:1.1", at_least=2),
            "study/hello:1.0과 study/hello:1.1이 아래 레이어 2개 이상을 공유한다",
        ),
        (VolumeExists("mydata"), "볼륨 mydata가 있다"),
    ],
)
def test_title_reads_as_korean(check: Check, title: str) -> None:
    assert check.title == title, f"expected {title!r}, saw {check.title!r}"
