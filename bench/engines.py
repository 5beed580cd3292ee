"""Figure 8, the rootless engines side by side: Debian 12's Docker 20.10 (overlay2 falls back to
its naive diff in a user namespace) and Docker 28 from the engine matrix's Debian sid tree
(overlay2 with native diff and ``userxattr``), each started exactly as grading starts it: a
grading user's rootless engine in the grading jail, from that user's seed template.

Per engine: the engine's start from its template (the lease's critical part), ``docker commit``
of a container that wrote one file, a two-step build (two ``RUN``s, no cache), and the perfect
demo student's 02, 04 and 06 graded one at a time (``docker-course grade -j 1 --backend …``).
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import common
from common import ROOT, say

BACKENDS = {"rootless": "Docker 20.10 (Debian 12)", "rootless-modern": "Docker 28 (sid tree)"}
SECTIONS = ["02-build-run", "04-layers", "06-best-practices"]
DOCKERFILE = b"FROM busybox:1.37\nRUN echo one > /one\nRUN echo two > /two\n"


def probe(tree: Path | None, repeats: int) -> dict:
    """One grading user's engine (the jail, its template): start, commits and builds."""
    import docker

    from autograder import engine, jail, seed
    from autograder.rootless_engine import RootlessEngine

    tar = seed.cached_bundle(engine.client())
    slot = jail.claim_slot()
    try:
        template = seed.template(tar, user=slot.user, tree=tree)
        starts, commits, builds, info = [], [], [], {}
        for _ in range(repeats):
            pe = RootlessEngine(user=slot.user, template=template, disk_mb=4096, tree=tree)
            t0 = time.perf_counter()
            with pe:
                starts.append(time.perf_counter() - t0)
                dc: docker.DockerClient = pe.client()
                try:
                    got = dc.info()
                    info = {
                        "version": got["ServerVersion"],
                        **{k: v for k, v in got.get("DriverStatus", []) if "Overlay" in k},
                    }
                    box = dc.containers.run(
                        "busybox:1.37", ["sh", "-c", "echo hi > /hi"], detach=True
                    )
                    box.wait()
                    t0 = time.perf_counter()
                    box.commit("bench/commit", "1")
                    commits.append(time.perf_counter() - t0)
                    t0 = time.perf_counter()
                    dc.images.build(fileobj=_context(), custom_context=True, nocache=True, rm=True)
                    builds.append(time.perf_counter() - t0)
                finally:
                    dc.close()
        return {"start": starts, "commit": commits, "build": builds, "info": info}
    finally:
        jail.kill_user_processes(slot.user)
        slot.release()


def _context() -> io.BytesIO:
    import tarfile

    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        member = tarfile.TarInfo("Dockerfile")
        member.size = len(DOCKERFILE)
        tar.addfile(member, io.BytesIO(DOCKERFILE))
    buf.seek(0)
    return buf


def sections(backend: str, tmp: Path) -> dict[str, float]:
    """The perfect student's SECTIONS graded one at a time on ``backend``: seconds each."""
    from autograder import demo

    course = demo.build(tmp / f"engines-{backend}", ROOT, only=SECTIONS)
    for other in (course / "submitted").iterdir():
        if other.name != "perfect":
            shutil.rmtree(other)
    done = subprocess.run(
        [str(Path(sys.executable).parent / "docker-course"), "grade", str(course),
         "-j", "1", "--backend", backend, "--no-feedback"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode:
        raise common.BenchBroken(f"grade --backend {backend} failed:\n{common.tail(done.stdout)}")
    seconds, scores = {}, {}
    for line in (course / ".grading" / "journal.jsonl").read_text().splitlines():
        entry = json.loads(line)
        seconds[entry["assignment"]] = entry["seconds"]
    for section in SECTIONS:
        scores[section] = _score(course, section)
    shutil.rmtree(course, ignore_errors=True)  # its own folder: the bench's scratch is shared
    return {"seconds": seconds, "scores": scores}


def _score(course: Path, section: str) -> str:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        sub = gb.find_submission(section, "perfect")
        return f"{sub.score:g}/{sub.max_score:g}"


def run(settings: common.Settings, shared: dict) -> dict:
    from autograder import modern_engine

    repeats = 2 if settings.quick else 3
    tree = modern_engine.tree(report=say)
    res: dict = {"repeats": repeats, "engines": {}}
    for backend, label in BACKENDS.items():
        say(f"figure 8: {label}: start, commit, build × {repeats}; {', '.join(SECTIONS)} perfect")
        engine_tree = tree if backend == "rootless-modern" else None
        res["engines"][backend] = {
            "label": label,
            **probe(engine_tree, repeats),
            **sections(backend, settings.tmp),
        }
    full = {b: e["scores"] for b, e in res["engines"].items()}
    if len({json.dumps(s, sort_keys=True) for s in full.values()}) != 1:
        raise common.BenchBroken(f"the engines gave different scores: {full}")
    return res


def markdown(res: dict) -> tuple[list[str], str]:
    old, new = res["engines"]["rootless"], res["engines"]["rootless-modern"]
    total = {b: sum(e["seconds"].values()) for b, e in res["engines"].items()}
    ratio = total["rootless-modern"] / total["rootless"]
    headline = [
        "8. Rootless engines (perfect 02+04+06, sid tree's Docker 28 ÷ Debian's 20.10)",
        f"{ratio:.2f}× ({total['rootless-modern']:.0f} s ÷ {total['rootless']:.0f} s)",
        "(report)",
        "",
    ]

    def med(values: list[float]) -> str:
        return common.summary(values).fmt()

    rows = [
        ("version, overlay diff", *(_version(e) for e in (old, new))),
        ("engine up from its template", med(old["start"]), med(new["start"])),
        ("`docker commit` (one file written)", med(old["commit"]), med(new["commit"])),
        ("build, two `RUN` steps, no cache", med(old["build"]), med(new["build"])),
        *(
            (
                f"{s} perfect, graded alone",
                f"{old['seconds'][s]:.1f} s",
                f"{new['seconds'][s]:.1f} s",
            )
            for s in SECTIONS
        ),
        ("scores", ", ".join(old["scores"].values()), ", ".join(new["scores"].values())),
    ]
    lines = [
        "## 8. Rootless engines",
        "",
        f"Grading's engine, started as grading starts it (a grading user's rootless engine in "
        f"the jail, from its seed template), {res['repeats']} repeats of each probe. Grading "
        f"uses Docker 28 from the sid tree when it can (`--backend auto`), else 20.10.",
        "",
        common.table(["", old["label"], new["label"]], rows),
    ]
    return headline, "\n".join(lines)


def _version(e: dict) -> str:
    info = e["info"]
    native = info.get("Native Overlay Diff", "?")
    return f"{info.get('version', '?')}, native diff {native}"
