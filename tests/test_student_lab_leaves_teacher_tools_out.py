"""The student's JupyterLab (`make lab`, `docker-course lab`) serves the student workspace, with
nbgrader's teacher tools off (server and page), the Assignment List only with an exchange,
Validate kept, Korean as the default UI language and no news pop-up."""

from __future__ import annotations

import json
import os
import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from autograder import lab
from tests.browser import Lab
from tests.student_lab import start

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def student_lab(tmp_path: Path) -> Iterator[Lab]:
    yield from start(tmp_path, exchange=None)


def _get(server: Lab, path: str) -> tuple[int, str]:
    req = urllib.request.Request(
        server.url + path, headers={"Authorization": f"token {server.token}"}
    )
    try:
        with urllib.request.urlopen(req, timeout=10) as reply:
            return reply.status, reply.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, ""


def _json(server: Lab, path: str) -> dict:
    status, body = _get(server, path)
    assert status == 200, f"/{path} answered {status}"
    return json.loads(body)


def _page_config(server: Lab) -> dict:
    status, page = _get(server, "lab")
    assert status == 200, f"/lab answered {status}"
    found = re.search(r'id="jupyter-config-data"[^>]*>\s*(\{.*?\})\s*</script>', page, re.S)
    assert found, "no page config in /lab"
    return json.loads(found.group(1))


def test_the_lab_serves_the_workspace_without_solutions(student_lab: Lab) -> None:
    names = {item["name"] for item in student_lab.api("GET", "contents")["content"]}
    assert "00-welcome.ipynb" in names and "03-commit-save-load" in names, names
    assert not names & {"source", "tests", "autograder", "bench"}, names


def test_teacher_tools_are_off_and_validate_stays(student_lab: Lab) -> None:
    disabled = _page_config(student_lab).get("disabledExtensions", [])
    for plugin in (*lab.TEACHER_PLUGINS, *lab.EXCHANGE_PLUGINS):
        assert plugin in disabled, f"{plugin} is on in the student's page: {disabled}"
    assert "@jupyter/nbgrader:validate-assignment" not in disabled, disabled
    assert _get(student_lab, "formgrader")[0] == 404, "formgrader answers in the student's lab"
    assert _get(student_lab, "courses")[0] == 404, "the course list answers"


def test_korean_is_the_default_language_and_news_are_off(student_lab: Lab) -> None:
    packs = _json(student_lab, "lab/api/translations/")["data"]
    assert "ko_KR" in packs, f"no Korean language pack installed: {sorted(packs)}"
    plugin = _json(student_lab, "lab/api/settings/@jupyterlab/translation-extension:plugin")
    locale = plugin["schema"]["properties"]["locale"]["default"]  # the default, not a user's
    assert locale == "ko_KR", f"default UI language {locale!r}"
    notes = _json(student_lab, "lab/api/settings/@jupyterlab/apputils-extension:notification")
    news = notes["schema"]["properties"]["fetchNews"]["default"]
    assert news == "false", f"fetchNews defaults to {news!r}"


def test_an_exchange_brings_the_assignment_list_back(tmp_path: Path) -> None:
    exchange = tmp_path / "exchange"
    exchange.mkdir()
    for server in start(tmp_path, exchange=exchange):
        disabled = _page_config(server).get("disabledExtensions", [])
        assert "@jupyter/nbgrader:assignment-list" not in disabled, disabled
        assert "@jupyter/nbgrader:formgrader" in disabled, disabled
        status, body = _get(server, "assignments?course_id=docker-course")
        assert status == 200 and '"success": true' in body, (status, body[:300])
        assert os.path.isdir(exchange), exchange
