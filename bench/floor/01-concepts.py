"""Floor of source/01-concepts: its engine operations as a plain script (see _ops.py)."""

from _ops import Floor

f = Floor("01-concepts")
dc = f.dc
with f.step("setup"):
    f.setup(containers=("concept-a", "concept-b", "life"))
with f.step("task-image"):
    image = dc.images.get("busybox:1.37")
with f.step("check-image"):
    for _ in range(3):
        f.image("busybox:1.37")
with f.step("show-image"):
    f.sh("docker image inspect --format 'ID={{.Id}}' busybox:1.37")
    f.sh("docker image inspect --format '{{json .RootFS.Layers}}' busybox:1.37")
    f.sh("docker history busybox:1.37")
with f.step("task-containers"):
    f.sh("docker rm -f concept-a concept-b > /dev/null 2>&1")
    f.sh("docker run -d --name concept-a busybox:1.37 sleep 3600")
    dc.containers.run("busybox:1.37", ["sleep", "3600"], detach=True, name="concept-b")
with f.step("check-containers"):
    for name in ("concept-a", "concept-b", "concept-a", "concept-b"):
        f.container(name)
    for name in ("concept-a", "concept-b"):
        f.container(name)
        f.image("busybox:1.37")
with f.step("show-containers"):
    f.sh("docker ps --filter name=concept- --format '{{.Names}} {{.ID}} {{.Image}}'")
    for name in ("concept-a", "concept-b"):
        dc.containers.get(name).image  # noqa: B018
    f.sh("docker top concept-a")
with f.step("task-write"):
    f.sh("docker exec concept-a sh -c 'echo only-a > /tmp/only-in-a.txt'")
with f.step("check-write"):
    f.archive(f.container("concept-a"), "/tmp/only-in-a.txt")
    f.container("concept-a").diff()
    f.archive(f.container("concept-b"), "/tmp/only-in-a.txt")
    f.file_in_image("busybox:1.37", "/tmp/only-in-a.txt")
    f.container("concept-a")
with f.step("layer-diagram"):
    f.diagram("busybox:1.37", "concept-a", "concept-b")
with f.step("show-diff"):
    f.sh("docker diff concept-a")
    f.sh("docker diff concept-b")
    f.sh("docker run --rm busybox:1.37 ls -A /tmp")
    dc.images.get("busybox:1.37")
with f.step("task-lifecycle"):
    f.sh("docker rm -f life > /dev/null 2>&1")
    f.sh("docker create --name life busybox:1.37 sleep 3600")
    dc.containers.get("life")
    f.sh("docker start life")
    f.sh("docker exec life sh -c 'echo kept > /note.txt'")
    f.sh("docker stop -t 1 life")
    dc.containers.get("life")
    f.sh("docker start life")
    dc.containers.get("life")
with f.step("check-lifecycle"):
    f.container("life")
    f.archive(f.container("life"), "/note.txt")
    f.archive(f.container("life"), "/note.txt")
    f.events()
    f.container("life")
    f.image("busybox:1.37")
with f.step("show-stopped"):
    f.sh("docker ps -a --filter name=life --format '{{.Names}}: {{.Status}}'")
    f.sh("docker exec life cat /note.txt")
with f.step("task-inspect"):
    dc.containers.get("concept-b")
    dc.images.get("busybox:1.37")
with f.step("check-inspect"):
    f.container("concept-b")
    for _ in range(3):
        f.container("concept-b")
        f.image("busybox:1.37")
with f.step("show-rm"):
    dc.containers.get("concept-a")
    f.sh("docker rm -f concept-a")
    f.sh("docker run -d --name concept-a busybox:1.37 sleep 3600")
    dc.containers.get("concept-a")
    f.sh("docker exec concept-a ls -A /tmp")
    f.sh("docker diff concept-a")
with f.step("panels"):
    f.engine_panel()
with f.step("cleanup"):
    f.reset(containers=("concept-a", "concept-b", "life"))
f.done()
