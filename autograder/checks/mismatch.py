"""What kind of wrong a value is, said without the right value.

A check that printed the value it expected would give the answer away on the first wrong try.
:func:`describe` names the difference instead: another type, a short ID where the whole one is
needed, the same items in another order, spaces around the text, or only "not what the engine
computed"; and, given a :data:`Lookup`, what the engine knows the value as (another image's
ID, a container's ID). What it prints of the value given is cut short (:func:`preview`), so a
check whose "value" comes from the engine does not print an answer either.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import docker
import docker.errors
import requests

from ..korean import particle

DIFFERENT = "엔진에서 계산한 값과 다름"
DIGEST = re.compile(r"sha256:[0-9a-f]{64}")
HEX = re.compile(r"(sha256:)?[0-9a-f]+")
PREVIEW = 28  # characters of a value shown: an ID's first 20 hex digits at most
KINDS = {
    str: "문자열(str)",
    int: "정수(int)",
    float: "실수(float)",
    bool: "참/거짓(bool)",
    list: "리스트(list)",
    tuple: "튜플(tuple)",
    dict: "딕셔너리(dict)",
    set: "집합(set)",
    frozenset: "집합(frozenset)",
    bytes: "바이트(bytes)",
    type(None): "None",
}

#: a value given → what the engine knows it as ("이미지 busybox:1.37의 ID"), or None
Lookup = Callable[[str], str | None]


@dataclass(frozen=True)
class Mismatch:
    expected: str  # the kind of value wanted, never the value
    seen: str  # the value given (cut short) and what is wrong with it
    hint: str = ""


def kind(value: Any) -> str:
    return KINDS.get(type(value), type(value).__name__)


def preview(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= PREVIEW else text[: PREVIEW - 1] + "…"


def wanted(expected: Any) -> str:
    """The kind of ``expected``, as the 기대 line says it (None is told as no kind: it is a
    value of its own)."""
    if isinstance(expected, str) and DIGEST.fullmatch(expected):
        return '전체 ID ("sha256:" + 16진수 64자리)'
    if expected is None:
        return "엔진에서 계산한 값"
    return f"엔진에서 계산한 값과 같은 {kind(expected)}"


def describe(value: Any, expected: Any, *, known: Lookup | None = None) -> Mismatch:
    """How ``value`` differs from ``expected`` (they differ), without saying ``expected``."""
    if value is ...:
        return Mismatch(wanted(expected), "비어 있음 (...)", "변수에 답을 넣고 셀을 실행하세요.")
    if expected is None:  # None's type is its value: say no more
        return Mismatch(wanted(expected), f"{preview(value)} — {DIFFERENT}")
    if not _same_kind(value, expected):
        given = "None" if value is None else f"{kind(value)} {preview(value)}"
        return Mismatch(wanted(expected), f"{given} — {particle(kind(expected), '이/가')} 필요")
    return Mismatch(wanted(expected), f"{preview(value)} — {what_differs(value, expected, known)}")


def what_differs(value: Any, expected: Any, known: Lookup | None = None) -> str:
    """Two values of one kind: in what they differ."""
    if isinstance(value, str):
        return _text(value, expected, known)
    if isinstance(value, list | tuple):
        if len(value) != len(expected):
            return f"항목 수가 다름 (여기는 {len(value)}개)"
        if sorted(map(repr, value)) == sorted(map(repr, expected)):
            return "항목은 같고 순서가 다름"
        n = next((i for i, (a, b) in enumerate(zip(value, expected, strict=True)) if a != b), 0)
        mine, theirs = value[n], expected[n]
        why = (
            what_differs(mine, theirs, known)
            if _same_kind(mine, theirs)
            else f"{kind(mine)}, {particle(kind(theirs), '이/가')} 필요"
        )
        return f"{n + 1}번째 항목이 다름" + ("" if why == DIFFERENT else f" ({why})")
    if isinstance(value, dict):
        if set(value) != set(expected):
            return "키가 다름"
        key = next(k for k in value if value[k] != expected[k])
        return f"키 {key!r}의 값이 다름"
    if isinstance(value, bytes):
        return f"{len(value)}바이트, {DIFFERENT}"
    return DIFFERENT


def _text(value: str, expected: str, known: Lookup | None) -> str:
    if value.strip() == expected.strip():
        return "앞뒤의 공백이나 줄바꿈이 다름"
    if value.casefold() == expected.casefold():
        return "대소문자가 다름"
    is_id = DIGEST.fullmatch(expected) is not None
    text = value.strip().lower()
    bare = text.removeprefix("sha256:")
    short = HEX.fullmatch(text) is not None and len(bare) < 64
    if is_id and not value.startswith("sha256:") and "sha256:" + bare == expected:
        return '앞의 "sha256:"이 빠짐'
    if is_id and short and expected.removeprefix("sha256:").startswith(bare):
        return "짧은 ID (전체 ID가 필요)"
    found = known(value) if known else None
    if found:
        return f"{DIFFERENT} ({found})"
    if is_id and short:
        return f"짧은 ID이고, {DIFFERENT}"
    if is_id and not DIGEST.fullmatch(text):
        return 'ID 형식이 아님 ("sha256:" + 16진수 64자리)'
    return DIFFERENT


def _same_kind(value: Any, expected: Any) -> bool:
    numbers = (int, float)
    if isinstance(value, bool) or isinstance(expected, bool):
        return type(value) is type(expected)
    if isinstance(value, numbers) and isinstance(expected, numbers):
        return True
    return type(value) is type(expected)


def engine_ids(dc: docker.DockerClient) -> Lookup:
    """A :data:`Lookup` of the engine's image and container IDs and images' registry digests
    (full, or a prefix of at least 12 hex digits); it asks the engine only when called."""

    def lookup(value: str) -> str | None:
        bare = value.strip().lower().removeprefix("sha256:")
        if len(bare) < 12 or not HEX.fullmatch(bare):
            return None
        try:
            for image in dc.api.images():
                tags = [t for t in image.get("RepoTags") or [] if t != "<none>:<none>"]
                if image["Id"].removeprefix("sha256:").startswith(bare):
                    return f"이미지 {tags[0] if tags else '(이름 없음)'}의 ID"
                for digest in image.get("RepoDigests") or []:
                    if digest.split("@sha256:")[-1].startswith(bare):
                        return f"{digest.split('@')[0]}의 레지스트리 다이제스트"
            for container in dc.api.containers(all=True):
                if container["Id"].startswith(bare):
                    name = (container.get("Names") or ["/?"])[0].lstrip("/")
                    return f"컨테이너 {name}의 ID"
        except (docker.errors.DockerException, requests.RequestException, OSError):
            return None
        return None

    return lookup
