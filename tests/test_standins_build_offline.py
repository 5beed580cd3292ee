"""With no image and no registry, `images prepare` builds labelled stand-ins that work."""

import docker

from autograder import images, labels


def test_every_course_image_becomes_a_standin(private_prepared: list[images.ImageState]) -> None:
    seen = {state.image.ref: state.status for state in private_prepared}
    expected = {image.ref: "stand-in" for image in images.COURSE_IMAGES}
    assert seen == expected, f"expected stand-ins offline, saw {seen}"


def test_standins_say_what_they_are(private_prepared, private_client: docker.DockerClient) -> None:
    for image in images.COURSE_IMAGES:
        got = private_client.images.get(image.ref).labels
        assert got.get(labels.STANDIN) == "true", f"{image.ref} labels: {got}"
        assert "FROM scratch" in got.get(labels.STANDIN_NOTE, ""), f"{image.ref} labels: {got}"
        assert "stand-in" in images.state(private_client, image).describe().lower()


def test_node_standin_runs_the_node_its_name_says(
    private_prepared, private_client: docker.DockerClient
) -> None:
    """node:24-alpine runs Node 24 (npm's official binary, fetched once by `make setup`)."""
    out = private_client.containers.run(
        "node:24-alpine", ["node", "-e", "console.log(process.version)"], remove=True
    )
    assert out.decode().startswith("v24."), f"node -e printed {out!r}"
    note = private_client.images.get("node:24-alpine").labels.get(labels.STANDIN_NOTE, "")
    assert out.decode().strip() in note, f"the note does not name {out!r}: {note}"


def test_busybox_standin_has_a_shell(private_prepared, private_client: docker.DockerClient) -> None:
    for ref in ("busybox:1.37", "busybox:latest"):
        out = private_client.containers.run(ref, ["sh", "-c", "echo hi from $0"], remove=True)
        assert out == b"hi from sh\n", f"{ref} sh -c printed {out!r}"


def test_node_standin_has_sh_and_a_node_user(
    private_prepared, private_client: docker.DockerClient
) -> None:
    out = private_client.containers.run(
        "node:24-alpine", ["sh", "-c", "id -u node && test -d /tmp && echo ok"], remove=True
    )
    assert out == b"1000\nok\n", f"saw {out!r}"


def test_standins_add_no_label_lines_to_history(
    private_prepared, private_client: docker.DockerClient
) -> None:
    """Their labels live in the config only: `docker history study/hello:1.0` lists its base's
    entries, and the course's bookkeeping must not show there (issue 18)."""
    for image in images.COURSE_IMAGES:
        history = private_client.images.get(image.ref).history()
        made_by = [h.get("CreatedBy") or "" for h in history]
        assert not [m for m in made_by if "LABEL" in m], f"{image.ref}: {made_by}"
        assert len(history) == 1, f"{image.ref}: one imported layer, saw {made_by}"
