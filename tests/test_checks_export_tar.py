"""ExportedTar tells a `docker export` (one flat file tree) from a `docker save` archive (layers
and config) and finds the file the student wrote in the container's writable layer."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

from autograder.checks.lifecycle import ExportedTar


def _tar(path: Path, files: dict[str, str]) -> Path:
    with tarfile.open(path, "w") as tar:
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def test_an_export_with_the_written_file_passes(tmp_path: Path) -> None:
    tar = _tar(tmp_path / "e.tar", {"etc/passwd": "root", "app/note.txt": "kept in the layer\n"})
    result = ExportedTar(str(tar), "app/note.txt", "kept").run(None)
    assert result.passed, result.message


def test_a_save_archive_is_not_an_export(tmp_path: Path) -> None:
    tar = _tar(tmp_path / "s.tar", {"manifest.json": "[]", "blobs/sha256/aa": "x"})
    result = ExportedTar(str(tar), "app/note.txt").run(None)
    assert not result.passed and "docker save" in result.seen, result.message


def test_an_export_without_the_file_fails(tmp_path: Path) -> None:
    tar = _tar(tmp_path / "e.tar", {"etc/passwd": "root", "app/app.js": "x"})
    result = ExportedTar(str(tar), "app/note.txt").run(None)
    assert not result.passed and "없음" in result.seen, result.message


def test_a_missing_or_broken_file_says_so(tmp_path: Path) -> None:
    assert "파일이 없음" in ExportedTar(str(tmp_path / "none.tar"), "a").run(None).seen
    (tmp_path / "bad.tar").write_bytes(b"not a tar at all" * 100)
    result = ExportedTar(str(tmp_path / "bad.tar"), "a").run(None)
    assert not result.passed and "tar" in result.expected, result.message
