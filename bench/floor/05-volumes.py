"""Floor of source/05-volumes: its engine operations as a plain script (see _ops.py)."""

from _ops import Floor

CONTAINERS = ("data-demo", "scratch-demo", "bind-demo")

f = Floor("05-volumes")
dc, work = f.dc, f.work
with f.step("setup"):
    f.setup(containers=CONTAINERS, volumes=("mydata",))
with f.step("task-volume"):
    f.sh("docker volume create mydata")
    f.sh("docker volume ls --filter name=mydata")
    f.sh(
        "docker run -d --name data-demo -v mydata:/data busybox:1.37 "
        'sh -c "echo hello > /data/msg && sleep 3600"'
    )
    f.sh("docker exec data-demo cat /data/msg")
with f.step("check-volume"):
    f.volume("mydata")
    f.container("data-demo")
    f.container("data-demo")
    f.volume("mydata")
    f.run_once("busybox:1.37", ["cat", "/v/msg"], volumes={"mydata": {"bind": "/v", "mode": "ro"}})
with f.step("show-volume-in-use"):
    f.sh("docker volume rm mydata")
with f.step("task-survives"):
    f.sh("docker rm -f data-demo")
    f.sh("docker ps -a --filter name=data-demo")
    f.sh("docker run --rm -v mydata:/data busybox:1.37 cat /data/msg")
with f.step("check-survives"):
    f.volume("mydata")
    f.container("data-demo")
    f.volume("mydata")
    f.run_once("busybox:1.37", ["cat", "/v/msg"], volumes={"mydata": {"bind": "/v", "mode": "ro"}})
with f.step("task-scratch"):
    f.sh("docker run -d --name scratch-demo busybox:1.37 sleep 3600")
    f.sh('docker exec scratch-demo sh -c "echo draft > /tmp/note"')
    f.sh("docker diff scratch-demo")
    f.sh("docker exec scratch-demo cat /tmp/note")
    f.sh("docker rm -f scratch-demo")
    f.sh("docker run --rm busybox:1.37 cat /tmp/note")
with f.step("check-scratch"):
    f.container("scratch-demo")
    f.file_in_image("busybox:1.37", "/tmp/note")
with f.step("task-bind"):
    out_dir = work / "out"
    out_dir.mkdir(exist_ok=True)
    dc.containers.run(
        "busybox:1.37",
        ["sh", "-c", "echo 'hello from bind-demo' > /out/from-container.txt"],
        name="bind-demo",
        volumes={str(out_dir): {"bind": "/out", "mode": "rw"}},
    )
with f.step("check-bind"):
    f.container("bind-demo")
with f.step("show-out"):
    f.sh(f"ls -l {work}/out")
with f.step("show-engine"):
    f.sh("docker version --format '{{.Server.Version}}'")
    f.sh("docker volume inspect mydata")
with f.step("task-where"):
    f.volume("mydata")
with f.step("check-where"):
    f.volume("mydata")
    dc.volumes.list()
with f.step("panels"):
    f.engine_panel()
with f.step("cleanup"):
    f.reset(containers=CONTAINERS, volumes=("mydata",))
f.done()
