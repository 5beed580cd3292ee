"""Floor of source/03-commit-save-load: its engine operations as a plain script (see _ops.py)."""

import time

from _ops import Floor

PORT = 3002

f = Floor("03-commit-save-load")
dc, work = f.dc, f.work
tar_path = work / "hello_modified.tar"
with f.step("setup"):
    f.setup(containers=("temp1", "modified1"), images=("study/hello:modified",), build_hello=True)
with f.step("task-modify"):
    f.sh(
        "docker run --name temp1 study/hello:1.0 "
        'sh -c "echo \\"console.log(\'modified\');\\" >> app.js"'
    )
    f.sh("docker ps -a --filter name=temp1")
with f.step("check-modify"):
    f.container("temp1")
    f.container("temp1").diff()
    f.container("temp1")
    f.image("study/hello:1.0")
    f.archive(f.container("temp1"), "/app/app.js")
    f.file_in_image("study/hello:1.0", "/app/app.js")
with f.step("show-exec-fails"):
    f.sh("docker exec temp1 cat app.js")
with f.step("task-inspect"):
    f.sh("docker diff temp1")
    f.sh(f'docker cp temp1:/app/app.js "{work / "temp1_app.js"}"')
with f.step("check-inspect"):
    f.archive(f.container("temp1"), "/app/app.js")
with f.step("task-commit"):
    f.sh(
        'docker commit -m "add modified log line" --change \'CMD ["node", "app.js"]\' '
        "temp1 study/hello:modified"
    )
with f.step("check-commit"):
    f.image("study/hello:modified")
    f.history("study/hello:modified")
    for _ in range(3):
        f.image("study/hello:modified")
        f.image("study/hello:1.0")
    f.image("study/hello:modified")
    f.save("study/hello:modified")
with f.step("layer-diagram"):
    f.diagram("study/hello:1.0", "study/hello:modified", "temp1")
with f.step("show-history"):
    f.sh("docker images study/hello")
    f.sh("docker history study/hello:modified | head -n 5")
with f.step("task-run-modified"):
    dc.containers.run("study/hello:modified", ["tail", "-n", "1", "app.js"], remove=True)
    modified1 = dc.containers.run(
        "study/hello:modified", detach=True, name="modified1", ports={"3000/tcp": PORT}
    )
    for _ in range(50):
        if b"Listening" in modified1.logs():
            break
        time.sleep(0.2)
    modified1.logs()
with f.step("check-run-modified"):
    f.container("modified1")
    f.http(PORT)
    f.container("modified1")
    f.image("study/hello:modified")
with f.step("task-save"):
    f.sh(f'docker save -o "{tar_path}" study/hello:modified')
    f.sh(f'ls -lh "{tar_path}"')
with f.step("check-save"):
    f.image("study/hello:modified")
    f.history("study/hello:modified")
with f.step("task-load"):
    f.sh("docker image inspect --format '{{.Id}}' study/hello:modified")
    f.sh("docker rm -f modified1")
    f.sh("docker rmi study/hello:modified")
    f.sh(f'docker load -q -i "{tar_path}"')
    f.sh("docker image inspect --format '{{.Id}}' study/hello:modified")
with f.step("check-load"):
    for _ in range(4):
        f.image("study/hello:modified")
    f.container("modified1")
    f.history("study/hello:modified")
with f.step("show-loaded"):
    f.sh("docker history study/hello:modified | head -n 2")
with f.step("panels"):
    f.engine_panel()
with f.step("cleanup"):
    f.reset(containers=("temp1", "modified1"), images=("study/hello:modified",))
f.done()
