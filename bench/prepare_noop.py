"""How long `docker-course images prepare` takes when every image is present (a no-op).

Run: .venv/bin/python bench/prepare_noop.py [repeats]
Prints the median and spread of the library call and of the whole CLI process.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

from autograder import engine, images


def timed(fn, repeats: int) -> list[float]:
    out = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def main(repeats: int = 20) -> None:
    dc = engine.client()
    images.prepare(dc, report=lambda _: None)  # make sure all are present first
    lib = timed(lambda: images.prepare(dc, report=lambda _: None), repeats)
    cli = Path(sys.executable).parent / "docker-course"
    proc = timed(
        lambda: subprocess.run([cli, "images", "prepare"], check=True, capture_output=True),
        max(5, repeats // 4),
    )
    for name, values in (("library call", lib), ("CLI process", proc)):
        print(
            f"images prepare (no-op), {name}: median {statistics.median(values) * 1000:.1f} ms, "
            f"min {min(values) * 1000:.1f}, max {max(values) * 1000:.1f} ms, n={len(values)}"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
