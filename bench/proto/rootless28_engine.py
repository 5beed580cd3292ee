"""Smoke test of RootlessEngine(tree=…): Docker 28.5 from the sid tree, rootless, in the jail.

Run as root from the checkout: PYTHONPATH=. .venv/bin/python bench/proto/rootless28_engine.py"""

import subprocess
import time

from autograder import jail, modern_engine
from autograder.rootless_engine import RootlessEngine

tree = modern_engine.tree()
for label, kwargs in (("20.10", {}), ("28.5 tree", {"tree": tree})):
    with RootlessEngine(user=jail.slot_user(6), disk_mb=4096, **kwargs) as pe:
        dc = pe.client()
        info = dc.info()
        status = dict(info["DriverStatus"])
        save = subprocess.Popen(["docker", "save", "node:24-alpine"], stdout=subprocess.PIPE)
        dc.images.load(save.stdout.read())
        c = dc.containers.run("node:24-alpine", ["sh", "-c", "echo hi > /app.txt"], detach=True)
        c.wait()
        t0 = time.monotonic()
        c.commit("t", "1")
        took = time.monotonic() - t0
        print(
            f"{label}: {info['ServerVersion']} native diff {status.get('Native Overlay Diff')} "
            f"rootless {'name=rootless' in info['SecurityOptions']} commit {took:.2f} s"
        )
        dc.close()
