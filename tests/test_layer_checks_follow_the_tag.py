"""Two layer checks of one tag in a row read the image the tag names *now*: after the tag
moves to another image, the second check sees that image's layers (one `docker save` is
spared only for the same image ID)."""

from autograder.checks import NoLayerHas, ValueFromLayer
from autograder.private_engine import PrivateEngine
from tests.secret_image import context


def test_a_moved_tag_is_read_again(fresh_engine: PrivateEngine) -> None:
    dc = fresh_engine.client()
    dc.images.build(fileobj=context(b"first\n"), custom_context=True, tag="study/s:1", rm=True)
    held = NoLayerHas("study/s:1", "/app/secret.txt")(dc)
    assert not held.passed, f"the secret's layer was not seen: {held.message}"
    assert ValueFromLayer("v", "first", "study/s:1", "/app/secret.txt")(dc).passed
    dc.images.build(fileobj=context(b"second\n"), custom_context=True, tag="study/s:1", rm=True)
    moved = ValueFromLayer("v", "first", "study/s:1", "/app/secret.txt")(dc)
    assert not moved.passed, "the check read the image the tag named before"
    assert ValueFromLayer("v", "second", "study/s:1", "/app/secret.txt")(dc).passed
