"""Floor of source/04-layers: its engine operations as a plain script (see _ops.py)."""

import re

from _ops import Floor

IMAGES = (
    "study/hello:1.1",
    "study/hello:latest",
    "study/hello:stable",
    "study/hello:cache-test",
    "study/hello:tmp",
    "study/hello:dev",
)

f = Floor("04-layers")
dc, work = f.dc, f.work
with f.step("setup"):
    f.setup(images=IMAGES, build_hello=True)
with f.step("prepare"):
    f.copy_hello(work)
    (work / ".dockerignore").write_text("*.tar\n")
    setup_id = dc.images.get("study/hello:1.0").id
    image, _ = dc.images.build(path=str(work), tag="study/hello:1.0", rm=True)
    if setup_id != image.id and not dc.images.get(setup_id).tags:
        dc.images.remove(setup_id)
with f.step("show-history"):
    f.sh("docker history study/hello:1.0")
    f.sh("docker image inspect study/hello:1.0 --format '{{len .RootFS.Layers}}'")
    f.sh("docker image inspect node:24-alpine --format '{{len .RootFS.Layers}}'")
with f.step("task-history"):
    f.history("study/hello:1.0")
    dc.images.get("node:24-alpine")
with f.step("check-history"):
    f.history("study/hello:1.0")
    f.image("study/hello:1.0")
    f.history("study/hello:1.0")
with f.step("task-cache"):
    dc.images.build(path=str(work), tag="study/hello:cache-test", rm=True)
    f.image("study/hello:cache-test")
    f.image("study/hello:1.0")
with f.step("check-cache"):
    f.image("study/hello:1.0")
    f.image("study/hello:cache-test")
    f.image("study/hello:cache-test")
with f.step("task-rebuild"):
    app = work / "app.js"
    app.write_text(app.read_text().replace("Hello from container", "Hello from version 1.1"))
    dc.images.build(path=str(work), tag="study/hello:1.1", rm=True)
with f.step("check-rebuild"):
    for _ in range(4):
        f.image("study/hello:1.1")
        f.image("study/hello:1.0")
    f.image("study/hello:1.1")
    f.file_in_image("study/hello:1.1", "/app/app.js")
    f.image("study/hello:1.1")
with f.step("layer-diagram"):
    f.diagram("study/hello:1.0", "study/hello:1.1")
with f.step("show-shared"):
    dc.df()
with f.step("show-overlay"):
    f.sh("docker info --format '{{.Driver}}'")
    f.image("study/hello:1.1")
with f.step("task-tags"):
    f.sh("docker tag study/hello:1.0 study/hello:stable")
    f.sh("docker tag study/hello:1.0 study/hello:latest")
    f.sh("docker tag study/hello:1.0 study/hello:tmp")
    f.sh("docker rmi study/hello:tmp")
    f.sh("docker images --digests study/hello")
with f.step("check-tags"):
    for ref in ("1.0", "stable", "latest", "tmp", "1.0"):
        f.image(f"study/hello:{ref}")
with f.step("task-digest"):
    f.sh(f'docker save -o "{work / "hello_1.0.tar"}" study/hello:1.0')
    f.image("study/hello:1.0")
with f.step("check-digest"):
    for _ in range(3):
        f.image("study/hello:1.0")
    f.history("study/hello:1.0")
    f.image("study/hello:1.0")
with f.step("task-dangling"):
    f.sh("docker rmi -f study/hello:dev > /dev/null 2>&1")
    text = app.read_text()
    app.write_text(re.sub(r"Hello from [^'\\]*", "Hello from dev 1", text))
    image, _ = dc.images.build(path=str(work), tag="study/hello:dev", rm=True)
    app.write_text(re.sub(r"Hello from [^'\\]*", "Hello from dev 2", text))
    dc.images.build(path=str(work), tag="study/hello:dev", rm=True)
    f.sh("docker images -f dangling=true")
    f.sh("docker image prune -f")
    dc.images.get("study/hello:dev")
with f.step("check-dangling"):
    f.image("study/hello:dev")
    f.file_in_image("study/hello:dev", "/app/app.js")
    f.image("study/hello:dev")
    f.events()
    f.image("study/hello:dev")
    f.events()
    f.image("study/hello:dev")
    f.image(image.id)
    f.image("study/hello:dev")
with f.step("show-df"):
    f.sh("docker system df")
with f.step("panels"):
    f.engine_panel()
with f.step("cleanup"):
    f.reset(images=IMAGES)
f.done()
