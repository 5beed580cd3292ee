"""Alternative correct solution of 01-concepts: the CLI where the reference uses the SDK and
the reverse, answers in upper case with spaces."""

CELLS: dict[str, str] = {
    # `!docker image inspect` instead of the SDK
    "task-image": """
import json

import docker

client = docker.from_env()
out = !docker image inspect busybox:1.37
info = json.loads("\\n".join(out))[0]
image_id = info["Id"]
image_layers = len(info["RootFS"]["Layers"])
image_cmd = info["Config"]["Cmd"]
""",
    # SDK for concept-a, the CLI for concept-b (other order of creation)
    "task-containers": """
!docker run -d --name concept-b busybox:1.37 sleep 3600
client.containers.run("busybox:1.37", "sleep 3600", name="concept-a", detach=True)
""",
    # SDK exec_run, another shell command writing the same content
    "task-write": """
a = client.containers.get("concept-a")
a.exec_run(["sh", "-c", "printf 'only-a\\\\n' > /tmp/only-in-a.txt"])
""",
    # the SDK's create/start/stop instead of `!docker`, and another file content check
    "task-lifecycle": """
import contextlib

import docker

with contextlib.suppress(docker.errors.NotFound):
    client.containers.get("life").remove(force=True)
life = client.containers.create("busybox:1.37", ["sleep", "3600"], name="life")
life.start()
life.exec_run(["sh", "-c", "printf 'kept\\n' > /note.txt"])
life.stop(timeout=1)
life.reload()
print(life.status)
life.start()
""",
    # `docker container inspect` / `docker image inspect` JSON through the CLI
    "task-inspect": """
import json

c_out = !docker container inspect concept-b
i_out = !docker image inspect busybox:1.37
c_info, i_info = json.loads("\\n".join(c_out))[0], json.loads("\\n".join(i_out))[0]
container_image = c_info["Image"]
only_in_container = sorted(k for k in c_info if k not in i_info)
only_in_image = sorted(k for k in i_info if k not in c_info)
""",
    "task-quiz": """
q1, q2, q3 = " B", "C ", "d"
""",
}
