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
    "task-quiz": """
q1, q2, q3 = " B", "C ", "d"
""",
}
