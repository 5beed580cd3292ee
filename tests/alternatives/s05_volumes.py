"""Alternative correct solution of 05-volumes: SDK where the reference uses `!docker` and the
reverse, other mount paths inside the containers, another scratch file, `printf` without a
newline, answers spelled differently."""

CELLS: dict[str, str] = {
    # SDK instead of `!docker volume create` / `!docker run -d`; the volume at /srv, not /data
    "task-volume": """
import time

import docker

sdk = docker.from_env()
sdk.volumes.create("mydata")
demo = sdk.containers.run(
    "busybox",
    ["sh", "-c", "echo hello > /srv/msg && sleep 3600"],
    name="data-demo",
    detach=True,
    volumes={"mydata": {"bind": "/srv", "mode": "rw"}},
)
for _ in range(50):  # -d returns once started: wait until the file is written
    if demo.exec_run(["cat", "/srv/msg"]).exit_code == 0:
        break
    time.sleep(0.1)
""",
    # SDK: remove, then read through a fresh container with the volume mounted read-only
    "task-survives": """
sdk.containers.get("data-demo").remove(force=True)
msg_after_rm = sdk.containers.run(
    "busybox:1.37",
    ["cat", "/mnt/v/msg"],
    volumes={"mydata": {"bind": "/mnt/v", "mode": "ro"}},
    remove=True,
).decode()
""",
    # SDK, another file; a failing `cat` raises ContainerError
    "task-scratch": """
box = sdk.containers.run("busybox:1.37", ["sleep", "3600"], name="scratch-demo", detach=True)
box.exec_run(["sh", "-c", "echo draft > /tmp/draft.txt"])
print(box.diff())
note_before_rm = box.exec_run(["cat", "/tmp/draft.txt"]).output.decode()
box.remove(force=True)
try:
    sdk.containers.run("busybox", ["cat", "/tmp/draft.txt"], remove=True)
    note_survived = True
except docker.errors.ContainerError:
    note_survived = False
""",
    # the CLI instead of the SDK; mounted at /export, no trailing newline
    "task-bind": """
import docker

client = docker.from_env()
!mkdir -p "{work}/out"
script = "printf 'hello from bind-demo' > /export/from-container.txt"
!docker run --name bind-demo -v "{work}/out:/export" busybox:1.37 sh -c "{script}"
!cat "{work}/out/from-container.txt"
""",
    # the CLI with a Go template (doubled braces in `!`); the answer as upper-case letters
    "task-where": """
mp = !docker volume inspect --format '{{{{.Mountpoint}}}}' mydata
mydata_mountpoint = mp[0]
delete_data = {"D", "C"}
""",
}
