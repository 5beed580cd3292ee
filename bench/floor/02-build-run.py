"""Floor of source/02-build-run: its engine operations as a plain script (see _ops.py)."""

from _ops import Floor

PORT, SECOND_PORT = 3000, 3001
APP_JS = """const http = require('http');
const port = process.env.PORT || 3000;
const server = http.createServer((req, res) => {
  res.end('Hello from container\\n');
});
server.listen(port, () => console.log('Listening on', port));
"""
DOCKERFILE = 'FROM node:24-alpine\nWORKDIR /app\nCOPY app.js .\nCMD ["node", "app.js"]\n'

f = Floor("02-build-run")
dc, work = f.dc, f.work
with f.step("setup"):
    f.setup(containers=("hello1", "hello2"), images=("study/hello:1.0",))
with f.step("task-build"):
    f.write(work / "app.js", APP_JS)
    f.write(work / "Dockerfile", DOCKERFILE)
    f.sh(f"docker build -q -t study/hello:1.0 {work}")
with f.step("check-build"):
    f.image("study/hello:1.0")
    f.image("study/hello:1.0")
    f.file_in_image("study/hello:1.0", "/app/app.js")
with f.step("show-images"):
    f.sh("docker images study/hello")
with f.step("task-run"):
    f.sh(f"docker run -d --name hello1 -p {PORT}:3000 study/hello:1.0")
with f.step("check-run"):
    f.container("hello1")
    f.http(PORT)
    f.container("hello1")
    f.image("study/hello:1.0")
    f.container("hello1")
with f.step("show-ps"):
    f.sh("docker ps --filter name=hello1")
    f.http(PORT, listed=False)
with f.step("task-second"):
    dc.containers.run(
        "study/hello:1.0", detach=True, name="hello2", ports={"3000/tcp": SECOND_PORT}
    )
with f.step("check-second"):
    f.container("hello2")
    f.http(SECOND_PORT)
    f.container("hello2")
    f.image("study/hello:1.0")
    f.container("hello2")
    f.container("hello1")
    f.container("hello2")
with f.step("task-relations"):
    hello_id = dc.images.get("study/hello:1.0").id
    dc.containers.list(filters={"ancestor": "study/hello:1.0"})
with f.step("check-relations"):
    f.image("study/hello:1.0")
    dc.containers.get("hello1").image  # noqa: B018
    dc.containers.get("hello2").image  # noqa: B018
with f.step("panels"):
    f.engine_panel()
with f.step("cleanup"):
    f.reset(containers=("hello1", "hello2"), images=("study/hello:1.0",))
f.done()
