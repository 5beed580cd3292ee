"""Answers checked against what the engine holds, not a copy in the notebook: the secret a
later layer deleted (read from the layer), and the config's exact bytes (a copied image ID is
not evidence of having read them)."""

import hashlib
import io
import json
import tarfile

from autograder.checks import ConfigBytes, IsConfigDigest, ValueFromLayer
from autograder.private_engine import PrivateEngine
from tests.secret_image import context


def test_secret_and_config_come_from_the_engine(fresh_engine: PrivateEngine) -> None:
    dc = fresh_engine.client()
    dc.images.build(fileobj=context(b"0123abcd\n"), custom_context=True, tag="study/s:1", rm=True)
    assert ValueFromLayer("found", "0123abcd", "study/s:1", "/app/secret.txt")(dc).passed
    wrong = ValueFromLayer("found", "guess", "study/s:1", "/app/secret.txt")(dc)
    assert not wrong.passed and "0123abcd" not in wrong.message, wrong.message

    saved = io.BytesIO(b"".join(dc.images.get("study/s:1").save(named=True)))
    with tarfile.open(fileobj=saved) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        config = tar.extractfile(manifest[0]["Config"]).read()
    assert ConfigBytes("config_bytes", config, "study/s:1")(dc).passed
    rewritten = json.dumps(json.loads(config)).encode()
    assert not ConfigBytes("config_bytes", rewritten, "study/s:1")(dc).passed
    copied_id = dc.images.get("study/s:1").id
    assert IsConfigDigest("computed_id", copied_id, "study/s:1")(dc).passed, "the ID passes…"
    assert not ConfigBytes("config_bytes", None, "study/s:1")(dc).passed, "…the bytes do not"
    assert "sha256:" + hashlib.sha256(config).hexdigest() == copied_id
