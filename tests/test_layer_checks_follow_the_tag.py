"""Two layer checks of one tag in a row read the image the tag names *now*: after the tag
moves to another image, the second check sees that image's layers (one `docker save` is
spared only for the same image ID)."""

import io
import tarfile

from autograder.checks import NoLayerHas, ValueFromLayer
from autograder.private_engine import PrivateEngine

DOCKERFILE = b"FROM busybox:1.37\nWORKDIR /app\nCOPY secret.txt .\nRUN rm secret.txt\n"


def _context(secret: bytes) -> io.BytesIO:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for name, data in (("Dockerfile", DOCKERFILE), ("secret.txt", secret)):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    buf.seek(0)
    return buf


def test_a_moved_tag_is_read_again(fresh_engine: PrivateEngine) -> None:
    dc = fresh_engine.client()
    dc.images.build(fileobj=_context(b"first\n"), custom_context=True, tag="study/s:1", rm=True)
    held = NoLayerHas("study/s:1", "/app/secret.txt")(dc)
    assert not held.passed, f"the secret's layer was not seen: {held.message}"
    assert ValueFromLayer("v", "first", "study/s:1", "/app/secret.txt")(dc).passed
    dc.images.build(fileobj=_context(b"second\n"), custom_context=True, tag="study/s:1", rm=True)
    moved = ValueFromLayer("v", "first", "study/s:1", "/app/secret.txt")(dc)
    assert not moved.passed, "the check read the image the tag named before"
    assert ValueFromLayer("v", "second", "study/s:1", "/app/secret.txt")(dc).passed
