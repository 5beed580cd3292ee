"""The student's lab in Chromium, as a student first sees it (issue 18): Korean menus, no
nbgrader teacher menu items, the workspace without `source/`, and the welcome notebook."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser import ARTIFACTS, SHOTS, Lab, expect
from tests.student_lab import start

pytestmark = [pytest.mark.browser, pytest.mark.slow]
TEACHER_ITEMS = ("Formgrader", "Create Assignment", "Course List")


@pytest.fixture
def student_lab(tmp_path: Path) -> Iterator[Lab]:
    yield from start(tmp_path, exchange=None)


def test_a_student_sees_korean_menus_and_no_teacher_tools(browser, student_lab: Lab) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ko-KR")
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        page.goto(f"{student_lab.url}lab/tree/00-welcome.ipynb?token={student_lab.token}&reset")
        menubar = page.locator("#jp-menu-panel")
        expect(menubar).to_contain_text("파일")  # the Korean language pack, by default
        expect(menubar).to_contain_text("커널")
        expect(menubar).not_to_contain_text("Nbgrader")  # its items are all teacher tools here
        for item in TEACHER_ITEMS:
            expect(page.get_by_text(item, exact=True)).to_have_count(0)
        files = page.locator(".jp-DirListing-content")
        expect(files).to_contain_text("03-commit-save-load")
        expect(files).not_to_contain_text("source")
        expect(page.locator(".jp-Notebook")).to_contain_text("시작하기")
        shot = ARTIFACTS / "student-lab-01-welcome.png"
        page.screenshot(path=str(shot), full_page=True)
        SHOTS.append(shot)
    finally:
        context.close()
