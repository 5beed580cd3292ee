"""Layer diagrams from live engine data, rendered as plain HTML (shows in JupyterLab, nbviewer
and nbgrader feedback alike).

An image is its read-only layers, bottom-up, each with its size and the instruction or commit
that made it; a container is that stack topped by its writable layer, listing what
``docker diff`` reports (A added, C changed, D deleted). Several stacks side by side mark the
layers they share, bottom-up, by content (DiffID).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import docker
import docker.errors

METADATA_ONLY = {
    "CMD",
    "ENTRYPOINT",
    "ENV",
    "LABEL",
    "EXPOSE",
    "USER",
    "ARG",
    "ONBUILD",
    "STOPSIGNAL",
    "HEALTHCHECK",
    "SHELL",
    "VOLUME",
    "MAINTAINER",
}
KIND_COLOURS = {"A": "#1a7f37", "C": "#9a6700", "D": "#cf222e"}
SHARED_COLOURS = ["#ddf4ff", "#fff8c5", "#dafbe1", "#ffebe9", "#fbefff", "#ffefd5"]


@dataclass(frozen=True)
class Layer:
    diff_id: str
    size: int | None
    made_by: str


@dataclass(frozen=True)
class Stack:
    title: str
    layers: tuple[Layer, ...]  # bottom-up
    writable: tuple[tuple[str, str], ...] | None = None  # (kind, path) for a container

    def _repr_html_(self) -> str:
        return Diagram((self,))._repr_html_()


def instruction(created_by: str) -> str:
    """'COPY app.js .' out of the legacy builder's '/bin/sh -c #(nop) COPY …' and friends."""
    text = " ".join(created_by.split())
    if "#(nop)" in text:
        text = text.split("#(nop)", 1)[1].strip()
    elif text.startswith("/bin/sh -c "):
        text = "RUN " + text.removeprefix("/bin/sh -c ")
    # the legacy builder names a copied file by its content hash: 'COPY file:bb22…85 in .'
    return re.sub(r"\b(file|dir):([0-9a-f]{8})[0-9a-f]{56}\b", r"\1:\2…", text)


def _is_layer(entry: dict) -> bool:
    word = instruction(entry.get("CreatedBy") or "").split(" ", 1)[0].upper()
    return word not in METADATA_ONLY


def image_stack(dc: docker.DockerClient, ref: str) -> Stack:
    image = dc.images.get(ref)
    diff_ids = list((image.attrs.get("RootFS") or {}).get("Layers") or [])
    history = list(reversed(image.history() or []))  # oldest first
    candidates = [h for h in history if _is_layer(h)]
    # a commit or RUN without changes adds no layer: drop empty ones until the counts agree
    for entry in reversed(list(candidates)):
        if len(candidates) <= len(diff_ids):
            break
        if not entry.get("Size") and "WORKDIR" not in (entry.get("CreatedBy") or ""):
            candidates.remove(entry)
    if len(candidates) == len(diff_ids):
        layers = tuple(
            Layer(d, h.get("Size"), _made_by(h)) for d, h in zip(diff_ids, candidates, strict=True)
        )
    else:  # history and layers do not line up (squashed or imported images): say less
        layers = tuple(Layer(d, None, f"레이어 {n}") for n, d in enumerate(diff_ids))
    name = ref if ":" in ref or "/" in ref else f"{ref}"
    return Stack(f"이미지 {name}", layers)


def _made_by(entry: dict) -> str:
    comment = (entry.get("Comment") or "").strip()
    text = instruction(entry.get("CreatedBy") or "")
    if not text and comment.startswith("Imported from"):
        return "docker import (파일 트리 한 레이어)"
    if comment and not comment.startswith("buildkit"):
        return f"docker commit: {comment!r} ({text})"
    return text or "(알 수 없음)"


def container_stack(dc: docker.DockerClient, name: str) -> Stack:
    container = dc.containers.get(name)
    base = image_stack(dc, container.attrs["Image"])
    kinds = {0: "C", 1: "A", 2: "D"}
    diff = tuple((kinds.get(d["Kind"], "?"), d["Path"]) for d in container.diff() or [])
    return Stack(f"컨테이너 {container.name} ({container.status})", base.layers, diff)


@dataclass(frozen=True)
class Diagram:
    stacks: tuple[Stack, ...]

    def shared_depth(self) -> int:
        """How many bottom layers every stack shares."""
        depth = 0
        for layers in zip(*(s.layers for s in self.stacks), strict=False):
            if len({layer.diff_id for layer in layers}) != 1:
                break
            depth += 1
        return depth

    def _repr_html_(self) -> str:
        shared = self.shared_depth() if len(self.stacks) > 1 else 0
        columns = "".join(_column(s, shared) for s in self.stacks)
        note = (
            f"<div style='font-size:12px;color:#57606a'>아래 {shared}개 레이어는 두 이미지가 "
            "<b>공유</b>합니다 (같은 내용 = 같은 DiffID, 디스크에 한 번만 저장).</div>"
            if shared
            else ""
        )
        return (
            f"<div class='docker-course-layers' style='font-family:sans-serif'>"
            f"<div style='display:flex;gap:16px;align-items:flex-end'>{columns}</div>"
            f"{note}</div>"
        )


def _column(stack: Stack, shared: int) -> str:
    boxes = []
    if stack.writable is not None:
        entries = (
            "".join(
                f"<div><span style='color:{KIND_COLOURS.get(k, '#000')};font-weight:bold'>"
                f"{k}</span> "
                f"<code>{html.escape(p)}</code></div>"
                for k, p in stack.writable[:20]
            )
            or "<div style='color:#57606a'>(변경 없음)</div>"
        )
        more = f"<div>… 외 {len(stack.writable) - 20}개</div>" if len(stack.writable) > 20 else ""
        boxes.append(
            "<div style='border:2px dashed #0969da;padding:4px 6px;margin:2px 0;background:#fff'>"
            "<b>쓰기 가능한 레이어</b> (컨테이너 전용, <code>docker diff</code>)"
            f"{entries}{more}</div>"
        )
    for n in reversed(range(len(stack.layers))):
        layer = stack.layers[n]
        colour = SHARED_COLOURS[n % len(SHARED_COLOURS)] if n < shared else "#f6f8fa"
        badge = " <small style='color:#0969da'>공유</small>" if n < shared else ""
        size = "" if layer.size is None else f" · {_human(layer.size)}"
        boxes.append(
            f"<div style='border:1px solid #d0d7de;padding:4px 6px;margin:2px 0;"
            f"background:{colour}' title='{html.escape(layer.diff_id)}'>"
            f"<code>{html.escape(layer.diff_id[7:19])}</code>{size}{badge}<br>"
            f"<small style='overflow-wrap:anywhere'>{html.escape(layer.made_by[:90])}</small>"
            "</div>"
        )
    return (
        f"<div style='min-width:260px;max-width:420px'>"
        f"<div style='font-weight:bold;margin-bottom:4px'>{html.escape(stack.title)}</div>"
        f"{''.join(boxes)}<div style='font-size:11px;color:#57606a'>▲ 위가 최신 · "
        f"읽기 전용 레이어 {len(stack.layers)}개</div></div>"
    )


def _human(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{size} B"


def diagram(*names: str, dc: docker.DockerClient | None = None) -> Diagram:
    """Stacks of images or containers by name, side by side: ``diagram("study/hello:1.0")``."""
    from ..checks import client

    dc = dc or client()
    stacks = []
    for name in names:
        try:
            stacks.append(container_stack(dc, name))
        except docker.errors.NotFound:
            try:
                stacks.append(image_stack(dc, name))
            except docker.errors.NotFound:  # not made yet: show an empty column, not a traceback
                stacks.append(Stack(f"{name} (아직 없음)", ()))
    return Diagram(tuple(stacks))
