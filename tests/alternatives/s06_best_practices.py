"""Alternative correct solution of 06-best-practices: SDK where the reference uses `!docker` and
the reverse, other stage names and Dockerfile names, `USER 1000:1000` instead of `USER node`, a
multi-stage build instead of `.dockerignore` for the clean image, the SDK's save for the tar."""

CELLS: dict[str, str] = {
    # SDK build, a Dockerfile with another name, a stage called "builder", a directory COPY
    "task-multi": r'''
(work / "multi" / "Dockerfile.prod").write_text("""FROM node:24-alpine AS builder
WORKDIR /build
COPY . .
RUN node build.js
FROM node:24-alpine
WORKDIR /app
COPY --from=builder /build/dist/ ./
CMD ["node", "app.js"]
""")
client.images.build(
    path=str(work / "multi"), dockerfile="Dockerfile.prod", tag="study/multi:1.0", rm=True
)
lines = !docker run --rm study/multi:1.0
multi_output = "\n".join(lines)
''',
    # the CLI instead of the SDK, a numeric user
    "task-nonroot": r'''
(work / "nonroot" / "Dockerfile").write_text("""FROM node:24-alpine
WORKDIR /app
COPY app.js .
USER 1000:1000
CMD ["node", "app.js"]
""")
!docker build -q -t study/nonroot:1.0 "{work}/nonroot"
uid_lines = !docker run --rm node:24-alpine id -u
base_uid = int(uid_lines[-1])
''',
    # SDK build; the secret in its own COPY, deleted two layers later
    "task-leaky": r'''
(work / "leaky" / "Dockerfile").write_text("""FROM busybox:1.37
WORKDIR /app
COPY secret.txt .
COPY app.sh .
RUN rm -f /app/secret.txt
CMD ["sh", "app.sh"]
""")
client.images.build(path=str(work / "leaky"), tag="study/secret:leaky", rm=True)
''',
    # the SDK's save (by name), then every member of every layer
    "task-find-secret": r"""
import json
import tarfile

with open(work / "leaky.tar", "wb") as fh:
    for chunk in client.images.get("study/secret:leaky").save(named=True):
        fh.write(chunk)
found_secret = None
with tarfile.open(work / "leaky.tar") as outer:
    for entry in json.load(outer.extractfile("manifest.json")):
        for layer_path in entry["Layers"]:
            with tarfile.open(fileobj=outer.extractfile(layer_path), mode="r:*") as layer:
                for member in layer.getmembers():
                    if member.isfile() and member.name.endswith("/secret.txt"):
                        found_secret = layer.extractfile(member).read().decode().strip()
""",
    # a multi-stage build instead of .dockerignore: the secret stays in the first stage
    "task-clean": r'''
(work / "clean" / "Dockerfile").write_text("""FROM busybox:1.37 AS context
COPY . /context
FROM busybox:1.37
WORKDIR /app
COPY --from=context /context/app.sh .
CMD ["sh", "app.sh"]
""")
!docker build -q -t study/secret:clean "{work}/clean"
''',
    # SDK build; the ID through the CLI (doubled braces in `!`)
    "task-pinned": r'''
(work / "pinned" / "Dockerfile").write_text("""FROM node:24-alpine
WORKDIR /app
COPY app.js ./
CMD ["node", "app.js"]
""")
client.images.build(path=str(work / "pinned"), tag="study/pinned:1.0", rm=True)
ids = !docker image inspect --format '{{{{.Id}}}}' node:24-alpine
node_base_id = ids[0]
''',
    # upper case and a list instead of a set
    "task-pin-choice": """
reproducible_from = " D "
moves_over_time = ["a", "b", "c"]
""",
}
