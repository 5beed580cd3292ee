"""Floor of source/06-best-practices: its engine operations as a plain script (see _ops.py)."""

import os
import secrets

from _ops import Floor

from autograder import course

IMAGES = course.SECTIONS["06-best-practices"].images
BUILD_JS = r"""const fs = require('fs');
const path = require('path');
const files = fs.readdirSync('src').filter((f) => f.endsWith('.js')).sort();
const body = files.map((f) => fs.readFileSync(path.join('src', f), 'utf8')).join('\n');
fs.mkdirSync('dist', { recursive: true });
fs.writeFileSync('dist/app.js', `// bundled by build.js from ${files.length} files\n${body}`);
"""
MULTI = """FROM node:24-alpine AS build
WORKDIR /build
COPY . .
RUN node build.js

FROM node:24-alpine
WORKDIR /app
COPY --from=build /build/dist/app.js .
CMD ["node", "app.js"]
"""
NONROOT_JS = """const os = require('os');
console.log(`uid=${process.getuid()} user=${os.userInfo().username}`);
"""
NODE_APP = 'FROM node:24-alpine\nWORKDIR /app\nCOPY app.js .\n{user}CMD ["node", "app.js"]\n'

f = Floor("06-best-practices")
dc, work = f.dc, f.work
with f.step("setup"):
    f.setup(images=IMAGES)
with f.step("prepare-multi"):
    multi = work / "multi"
    f.write(multi / "src" / "greet.js", "function greet(who) {\n  return `Hello ${who}!`;\n}\n")
    f.write(multi / "src" / "main.js", "console.log(greet('multi-stage build'));\n")
    f.write(multi / "build.js", BUILD_JS)
    f.write(multi / "notes.txt", "build notes: not for production\n")
    (multi / "toolchain.bin").write_bytes(os.urandom(8 * 1024 * 1024))
with f.step("task-multi"):
    f.write(multi / "Dockerfile", MULTI)
    f.sh(f'docker build -q -t study/multi:1.0 "{multi}"')
    dc.containers.run("study/multi:1.0", remove=True)
with f.step("check-multi"):
    f.image("study/multi:1.0")
    f.file_in_image("study/multi:1.0", "/app/app.js")
    f.image("study/multi:1.0")
    f.image("study/multi:1.0")
    f.save("study/multi:1.0")
    f.file_in_image("study/multi:1.0", "/app/toolchain.bin")
    f.file_in_image("study/multi:1.0", "/app/notes.txt")
with f.step("show-multi"):
    f.sh(f'docker build -q --target build -t study/multi:build "{multi}"')
    f.sh("docker images study/multi")
    f.sh("docker history study/multi:1.0")
with f.step("prepare-nonroot"):
    f.write(work / "nonroot" / "app.js", NONROOT_JS)
with f.step("task-nonroot"):
    f.write(work / "nonroot" / "Dockerfile", NODE_APP.format(user="USER node\n"))
    dc.images.build(path=str(work / "nonroot"), tag="study/nonroot:1.0", rm=True)
    dc.containers.run("node:24-alpine", ["id", "-u"], remove=True)
with f.step("check-nonroot"):
    f.image("study/nonroot:1.0")
    f.image("study/nonroot:1.0")
    f.run_once("study/nonroot:1.0", ["id", "-u"], entrypoint=[])
with f.step("show-nonroot"):
    f.sh("docker run --rm study/nonroot:1.0")
    f.sh("docker run --rm node:24-alpine id")
with f.step("prepare-secret"):
    secret = secrets.token_hex(8)
    for name in ("leaky", "clean"):
        f.write(work / name / "secret.txt", secret + "\n")
        f.write(work / name / "app.sh", "echo app\n")
        (work / name / ".dockerignore").unlink(missing_ok=True)
with f.step("task-leaky"):
    f.write(
        work / "leaky" / "Dockerfile",
        'FROM busybox:1.37\nWORKDIR /app\nCOPY . .\nRUN rm secret.txt\nCMD ["sh", "app.sh"]\n',
    )
    f.sh(f'docker build -q -t study/secret:leaky "{work}/leaky"')
    f.sh("docker run --rm study/secret:leaky")
    f.sh("docker history study/secret:leaky")
with f.step("task-find-secret"):
    f.sh(f'docker save -o "{work}/leaky.tar" study/secret:leaky')
with f.step("check-leaky"):
    f.image("study/secret:leaky")
    f.file_in_image("study/secret:leaky", "/app/secret.txt")
    f.image("study/secret:leaky")
    f.save("study/secret:leaky")
with f.step("task-clean"):
    (work / "clean" / ".dockerignore").write_text("secret.txt\n")
    f.write(
        work / "clean" / "Dockerfile",
        'FROM busybox:1.37\nWORKDIR /app\nCOPY . .\nCMD ["sh", "app.sh"]\n',
    )
    dc.images.build(path=str(work / "clean"), tag="study/secret:clean", rm=True)
    dc.containers.run("study/secret:clean", remove=True)
with f.step("check-clean"):
    f.image("study/secret:clean")
    f.save("study/secret:clean")
    f.file_in_image("study/secret:clean", "/app/app.sh")
    f.image("study/secret:clean")
with f.step("show-digests"):
    f.write(work / "pinned" / "app.js", "console.log('node', process.version);\n")
    dc.images.get("node:24-alpine")
with f.step("task-pinned"):
    f.write(work / "pinned" / "Dockerfile", NODE_APP.format(user=""))
    f.sh(f'docker build -q -t study/pinned:1.0 "{work}/pinned"')
    dc.images.get("node:24-alpine")
with f.step("check-pinned"):
    dc.images.get("node:24-alpine")
    for _ in range(3):
        f.image("study/pinned:1.0")
        f.image("node:24-alpine")
with f.step("panels"):
    f.engine_panel()
with f.step("cleanup"):
    f.reset(images=IMAGES)
f.done()
