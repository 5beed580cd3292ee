"""A build context whose secret a later layer deletes (06's lesson): the file is gone from the
image's file system but still in the layer that copied it in, at /app/secret.txt."""

import io
import tarfile

DOCKERFILE = b"FROM busybox:1.37\nWORKDIR /app\nCOPY secret.txt .\nRUN rm secret.txt\n"


def context(secret: bytes) -> io.BytesIO:
    """The build context (a tar for ``images.build(fileobj=…, custom_context=True)``)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for name, data in (("Dockerfile", DOCKERFILE), ("secret.txt", secret)):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    buf.seek(0)
    return buf
