"""Alternative correct solution of 03-commit-save-load: SDK where the reference uses `!docker`
and the reverse; `docker create` + copy in (no `sh -c`), another file name for the copy.
The tar path is fixed by the task (work/hello_modified.tar)."""

CELLS: dict[str, str] = {
    # create (never started) + put the edited file in, instead of `docker run … sh -c`
    "task-modify": """
import io
import tarfile

import docker

sdk = docker.from_env()
temp1 = sdk.containers.create("study/hello:1.0", name="temp1")
stream, _ = temp1.get_archive("/app/app.js")
with tarfile.open(fileobj=io.BytesIO(b"".join(stream))) as archive:
    text = archive.extractfile("app.js").read() + b"console.log('modified');\\n"
packed = io.BytesIO()
with tarfile.open(fileobj=packed, mode="w") as archive:
    info = tarfile.TarInfo("app.js")
    info.size, info.mode = len(text), 0o644
    archive.addfile(info, io.BytesIO(text))
temp1.put_archive("/app", packed.getvalue())
""",
    # the SDK's diff and get_archive instead of `!docker diff` / `!docker cp`
    "task-inspect": """
import io
import tarfile

import docker

temp1 = docker.from_env().containers.get("temp1")
print(temp1.diff())
stream, _ = temp1.get_archive("/app/app.js")
with tarfile.open(fileobj=io.BytesIO(b"".join(stream))) as archive:
    data = archive.extractfile("app.js").read()
app_copy = work / "from_temp1.js"
app_copy.write_bytes(data)
last_line = data.decode().rstrip("\\n").split("\\n")[-1]
""",
    # Container.commit; a created container keeps the image's CMD, so no --change is needed
    "task-commit": """
import docker

COMMIT_MESSAGE = "add modified log line"
docker.from_env().containers.get("temp1").commit(
    repository="study/hello", tag="modified", message=COMMIT_MESSAGE
)
""",
    # the CLI instead of the SDK
    "task-run-modified": """
import time

!docker run --rm study/hello:modified tail -n 1 app.js
!docker run -d --name modified1 -p {PORT}:3000 study/hello:modified
for _ in range(50):
    log_lines = !docker logs modified1
    if any("Listening" in line for line in log_lines):
        break
    time.sleep(0.2)
""",
    # Image.save(named=True) keeps the tag (the default, named=False, drops RepoTags)
    "task-save": """
import docker

tar_path = work / "hello_modified.tar"
image = docker.from_env().images.get("study/hello:modified")
with open(tar_path, "wb") as fh:
    for chunk in image.save(named=True):
        fh.write(chunk)
""",
    # the SDK instead of `!docker rm/rmi/load`
    "task-load": """
import docker

sdk = docker.from_env()
saved_id = sdk.images.get("study/hello:modified").id
sdk.containers.get("modified1").remove(force=True)
sdk.images.remove("study/hello:modified")
with open(tar_path, "rb") as fh:
    (loaded,) = sdk.images.load(fh)
loaded_id = loaded.id
""",
    # the SDK's Container.export() instead of `!docker export`; names read by member
    "task-export": """
import tarfile

import docker

export_path = work / "temp1_export.tar"
with open(export_path, "wb") as fh:
    for chunk in docker.from_env().containers.get("temp1").export():
        fh.write(chunk)
with tarfile.open(export_path) as exported:
    names = {m.name for m in exported.getmembers()}
    export_has_manifest = "manifest.json" in names
    app_js = exported.extractfile("app/app.js").read().decode()
    export_last_line = app_js.rstrip("\\n").split("\\n")[-1]
with tarfile.open(tar_path) as saved:
    save_has_manifest = any(m.name == "manifest.json" for m in saved.getmembers())
""",
}
