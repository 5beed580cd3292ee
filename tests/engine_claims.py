"""Statements true on one engine only, and what a paragraph stating one must also say (issue 12).

Students run Docker 20.10, and Docker 28/29 on the classic or the containerd image store; prose
that holds on one of them names it (the classic or containerd store, or the setup cell's
`engine kind` line). Used on the source notebooks and on every lane's executed notebooks.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import nbformat

#: the setup cell's line about the student's engine, as the doctor's HTML table shows it: the
#: Korean label, then the finding's name in <code> (the name the prose points at), then detail
ENGINE_KIND_LINE = re.compile(r"engine kind(?:</code>)?</td><td>([^<]*)")
STORE = re.compile(r"클래식|containerd|engine kind")
NEVER = re.compile(r"(?!)")  # a claim no qualifier makes true

#: claim → (pattern, what a paragraph stating it must also mention)
CLAIMS = {
    "image ID = sha256 of the config": (
        re.compile(r"ID[^.\n]{0,40}설정[^.\n]{0,40}(sha256|해시)"),
        STORE,
    ),
    "tar size over 100 MB": (re.compile(r"(tar|파일)[^.\n]{0,40}100 ?MB ?(가 넘|이상)"), STORE),
    "history SIZE: 0B, or file bytes": (
        re.compile(
            r"WORKDIR[^\n]{0,30}0B|0B`?[^\n]{0,20}(≠|라고 해서|에 ?가까|에 ?가깝)"
            r"|파일 크기\(바이트\)와 같"
        ),
        STORE,
    ),
    "RepoDigests differ from the image ID": (re.compile(r"이미지 ID ?와 다릅니다"), STORE),
    "the course image is a stand-in": (
        re.compile(r"대체 이미지라"),
        re.compile(r"course images present"),
    ),
    "one engine for every student": (re.compile(r"이 교실|오프라인 교실"), NEVER),
}


def paragraphs(nb: nbformat.NotebookNode) -> Iterator[tuple[str, str]]:
    """(where, paragraph) of every markdown cell and of every output the course writes (HTML,
    markdown: panels, check results, computed explanations). Streams and plain text are left
    out: there the engine speaks for itself (``docker history`` prints its own sizes)."""
    for cell in nb.cells:
        texts = [cell.source] if cell.cell_type == "markdown" else []
        for out in cell.get("outputs", []):
            for mime in ("text/markdown", "text/html"):
                data = out.get("data", {}).get(mime)
                if data:
                    texts.append(data if isinstance(data, str) else "".join(data))
        for text in texts:
            for paragraph in text.split("\n\n"):
                yield f"cell {cell.get('id', '?')}", paragraph


def unqualified(nb: nbformat.NotebookNode) -> list[str]:
    """Every engine-specific claim stated without its qualifier, as a readable line."""
    found = []
    for where, paragraph in paragraphs(nb):
        for claim, (pattern, qualifier) in CLAIMS.items():
            hit = pattern.search(paragraph)
            if hit and not qualifier.search(paragraph):
                found.append(f"{where}: '{claim}' ({hit.group(0)!r}) without {qualifier.pattern!r}")
    return found
