"""Alternative correct solution of 04-layers: the CLI where the reference uses the SDK and the
reverse, answers in other accepted forms, another app.js that still says the 1.1 greeting."""

CELLS: dict[str, str] = {
    # the CLI (captured with `x = !cmd`) instead of the SDK; a list instead of a set
    "task-history": """
out = !docker image inspect --format '{{{{len .RootFS.Layers}}}}' study/hello:1.0
n_layers = int(out[0])
fmt = "{{.Size}}|{{.CreatedBy}}"
rows = !docker history --no-trunc --human=false --format '{fmt}' study/hello:1.0
n_history = len(rows)
copy_size = int(next(r.split("|", 1)[0] for r in rows if "COPY" in r.split("|", 1)[1]))
made_layers = ["COPY", "WORKDIR"]
""",
    # the SDK's low-level API (not `!docker build`: the CLI sends the context as owned by root,
    # the SDK with the real owner, and COPY's cache compares that too when the kernel is not root)
    "task-cache": """
for line in client.api.build(path=str(work), tag="study/hello:cache-test", rm=True, decode=True):
    print(line.get("stream", ""), end="")
""",
    "task-rebuild": """
(work / "app.js").write_text(
    "require('http').createServer((q, s) => s.end('Hello from version 1.1\\\\n'))"
    ".listen(process.env.PORT || 3000);\\n"
)
!docker build -q -t study/hello:1.1 {work}
first_rebuilt = "copy app.js ."
""",
    # the SDK instead of `!docker tag` / `!docker rmi`
    "task-tags": """
import docker

sdk = docker.from_env()
hello = sdk.images.get("study/hello:1.0")
for tag in ("stable", "latest", "tmp"):
    hello.tag("study/hello", tag)
sdk.images.remove("study/hello:tmp")
latest_is_newest = False
""",
    # the SDK's save instead of `!docker save`; the config read by member
    "task-digest": """
import hashlib
import json
import tarfile

import docker

tar_path = work / TAR_NAME
with open(tar_path, "wb") as fh:
    for chunk in docker.from_env().images.get("study/hello:1.0").save(named=True):
        fh.write(chunk)
tar = tarfile.open(tar_path)
entry = json.loads(tar.extractfile(tar.getmember("manifest.json")).read())[0]
config_bytes = tar.extractfile(tar.getmember(entry["Config"])).read()  # the task names it
tar.close()
computed_id = f"sha256:{hashlib.sha256(config_bytes).hexdigest()}"
cfg = json.loads(config_bytes)
diff_ids = list(cfg["rootfs"]["diff_ids"])
empty_count = len([h for h in cfg["history"] if h.get("empty_layer", False)])
""",
    # the CLI builds, the ID from `docker image inspect`, `docker rmi ID` instead of prune
    "task-dangling": """
!docker rmi -f study/hello:dev > /dev/null 2>&1
app = work / "app.js"
original = app.read_text()
app.write_text(original.replace("version 1.1", "dev 1"))
!docker build -q -t study/hello:dev {work}
out = !docker image inspect --format '{{{{.Id}}}}' study/hello:dev
dangling_id = out[0]
app.write_text(original.replace("version 1.1", "dev 2"))
!docker build -q -t study/hello:dev {work}
!docker rmi {dangling_id}
""",
}
