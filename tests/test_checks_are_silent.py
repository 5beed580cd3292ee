"""Checks never raise and never write to stderr, even with no engine (nbgrader rule)."""

from pathlib import Path

import pytest

from autograder.checks import ContainerRunning, ImageExists, VolumeFile, check, require


def test_dead_engine_gives_failed_results_quietly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/dead.sock")
    results = check(ImageExists("x:1"), ContainerRunning("y"), VolumeFile("v", "f", "c"))
    assert not results.passed
    assert all("doctor" in r.hint or "engine up" in r.hint for r in results), str(results)
    with pytest.raises(AssertionError, match="x:1"):
        require(ImageExists("x:1"))
    err = capfd.readouterr().err
    assert err == "", f"checks wrote to stderr: {err!r}"


def test_html_escapes_and_marks() -> None:
    from autograder.checks.base import CheckResult, Results

    html = Results([CheckResult("<b>t</b>", False, "a", "b", "c"), CheckResult("ok", True)])
    text = html._repr_html_()
    assert "&lt;b&gt;" in text and "✗" in text and "✓" in text and "1/2" in text, text
