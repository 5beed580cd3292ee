"""Alternative correct solution of 02-build-run: SDK where the reference uses `!docker` and the
reverse, other file names, a Dockerfile with another name."""

CELLS: dict[str, str] = {
    # lower-case instructions, a comment and `./`: the same four lines to the builder
    "task-dockerfile": """
%%writefile {work}/Dockerfile
# the hello app on Node 24
from node:24-alpine
workdir /app
copy app.js ./
cmd ["node", "app.js"]
""",
    # SDK instead of `!docker build`; other file names and a Dockerfile named differently
    "task-build": """
import docker

sdk = docker.from_env()
(work / "server.js").write_text(
"require('http').createServer((q, s) => s.end('Hello from container\\\\n')).listen(3000);\\n"
)
(work / "app.js").write_text("require('./server.js');\\n")
(work / "Containerfile").write_text(
'FROM node:24-alpine\\nWORKDIR /app\\nCOPY server.js app.js ./\\nCMD ["node", "app.js"]\\n'
)
sdk.images.build(path=str(work), dockerfile="Containerfile", tag="study/hello:1.0", rm=True)
""",
    # SDK instead of `!docker run`
    "task-run": """
import docker

docker.from_env().containers.run(
"study/hello:1.0", name="hello1", detach=True, ports={"3000/tcp": PORT}
)
""",
    # the CLI instead of the SDK
    "task-second": """
import docker

client = docker.from_env()
!docker run -d --name hello2 -p {SECOND_PORT}:3000 study/hello:1.0
""",
    "task-relations": """
# in IPython's `!`, {x} is a Python variable: Go templates need doubled braces
ids = !docker image inspect --format '{{{{.Id}}}}' study/hello:1.0
hello_image_id = ids[0]
names = !docker ps --filter ancestor=study/hello:1.0 --format '{{{{.Names}}}}'
from_hello = sorted(names)
""",
}
