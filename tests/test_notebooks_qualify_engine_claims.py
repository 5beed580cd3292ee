"""Prose true on one engine only says which (issue 12): the classic or containerd image store, or
the setup cell's `engine kind` line. Students run Docker 20.10, and Docker 28/29 on either store."""

import re
from pathlib import Path

import nbformat

from tests.engine_claims import unqualified

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(ROOT.glob("source/0[1-7]-*/0*.ipynb")) + sorted(ROOT.glob("notebooks/*.ipynb"))
# without --digests/--format/-q CLI 29 prints a tree and a WARNING line: say so just before
PLAIN_IMAGES = re.compile(r"!docker (images|image ls)(?![^\n]*(--digests|--format|-q|--no-trunc))")


def test_engine_specific_claims_name_their_engine() -> None:
    found = [
        f"{path.parent.name}/{path.name} {line}"
        for path in NOTEBOOKS
        for line in unqualified(nbformat.read(path, as_version=4))
    ]
    assert not found, "engine-specific claims without their engine:\n" + "\n".join(found)


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
