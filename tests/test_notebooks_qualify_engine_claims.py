"""Prose true on one engine only says which (issue 12): the classic or containerd image store, or
the setup cell's `engine kind` line. Students run Docker 20.10, and Docker 28/29 on either store."""

import re
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(ROOT.glob("source/0[1-7]-*/0*.ipynb"))
STORE = re.compile(r"클래식|containerd|engine kind")
NEVER = re.compile(r"(?!)")  # a claim no qualifier makes true

#: claim → (pattern, what a paragraph stating it must also mention)
CLAIMS = {
    "image ID = sha256 of the config": (
        re.compile(r"ID[^.\n]{0,40}설정[^.\n]{0,40}(sha256|해시)"),
        STORE,
    ),
    "tar size over 100 MB": (re.compile(r"100 ?MB ?(가 넘|이상)"), STORE),
    "history SIZE: 0B, or file bytes": (
        re.compile(
            r"WORKDIR[^\n]{0,30}0B|0B`?[^\n]{0,20}(≠|라고 해서|에 가까)|파일 크기\(바이트\)와 같"
        ),
        STORE,
    ),
    "RepoDigests differ from the image ID": (re.compile(r"이미지 ID 와 다릅니다"), STORE),
    "the course image is a stand-in": (
        re.compile(r"대체 이미지라"),
        re.compile(r"course images present"),
    ),
    "one engine for every student": (re.compile(r"이 교실|오프라인 교실"), NEVER),
}
# without --digests/--format/-q CLI 29 prints a tree and a WARNING line: say so just before
PLAIN_IMAGES = re.compile(r"!docker (images|image ls)(?![^\n]*(--digests|--format|-q|--no-trunc))")


def test_engine_specific_claims_name_their_engine() -> None:
    for path in NOTEBOOKS:
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type != "markdown":
                continue
            for paragraph in cell.source.split("\n\n"):
                for claim, (pattern, qualifier) in CLAIMS.items():
                    found = pattern.search(paragraph)
                    assert not found or qualifier.search(paragraph), (
                        f"{path.parent.name} cell {cell.id}: '{claim}' ({found.group(0)!r}) "
                        f"in a paragraph without {qualifier.pattern!r}"
                    )


def test_plain_docker_images_is_explained_for_cli_29() -> None:
    for path in NOTEBOOKS:
        prose = ""
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "markdown":
                prose = cell.source
            elif PLAIN_IMAGES.search(cell.source):
                assert "CLI 29" in prose, (
                    f"{path.parent.name} cell {cell.id} runs `docker images`: the markdown "
                    "cell before it should say what CLI 29 prints (tree view, WARNING line)"
                )
