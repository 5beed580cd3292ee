"""The perfect demo-class student's 02, 03, 04 and 06, graded one at a time (-j 1) on today's
rootless engine and on the sid tree's (``--backend rootless-modern``): seconds per submission,
and the same scores. Run as root from the checkout (PYTHONPATH=. .venv/bin/python …)."""

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from autograder import demo

SECTIONS = ["02-build-run", "03-commit-save-load", "04-layers", "06-best-practices"]


def main() -> None:
    root = Path.cwd()
    rows = {}
    with tempfile.TemporaryDirectory(prefix="rootless28-") as tmp:
        for backend in ("rootless", "rootless-modern"):
            course = demo.build(Path(tmp) / backend, root, only=SECTIONS)
            for other in (course / "submitted").iterdir():
                if other.name != "perfect":
                    shutil.rmtree(other)
            done = subprocess.run(
                [str(Path(sys.executable).parent / "docker-course"), "grade", str(course),
                 "-j", "1", "--backend", backend, "--no-feedback"],
                capture_output=True, text=True, check=False,
            )  # fmt: skip
            if done.returncode:
                print(done.stdout[-2000:], done.stderr[-2000:])
                raise SystemExit(done.returncode)
            for line in (course / ".grading" / "journal.jsonl").read_text().splitlines():
                entry = json.loads(line)
                rows.setdefault(entry["assignment"], {})[backend] = entry["seconds"]
            print(done.stdout)
    for section, seen in sorted(rows.items()):
        print(
            f"{section:22} {seen.get('rootless', '-'):>6} s"
            f"  {seen.get('rootless-modern', '-'):>6} s"
        )


if __name__ == "__main__":  # the nbgrader forkserver imports this file again
    main()
