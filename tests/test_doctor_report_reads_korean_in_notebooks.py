"""The doctor's table in a notebook reads Korean (labels, details, fixes) and keeps each
finding's English name beside its label: the prose and the engine-matrix tests find the
`engine kind` line by it. The terminal report stays English."""

from autograder.doctor import Finding, Report
from tests.engine_claims import ENGINE_KIND_LINE

KIND = "Docker 28.2.2 (API 1.50) · 이미지 저장소: 클래식 · docker build: BuildKit · CLI 28.2.2"


def test_notebook_table_is_korean_and_keeps_the_names() -> None:
    report = Report(
        [
            Finding("engine kind", True, KIND),
            Finding(
                "free disk",
                False,
                "0.1 GiB free at /",
                "free space",
                detail_ko="/에 0.1 GiB 남음",
                fix_ko="비우세요",
            ),
        ]
    )
    page = report._repr_html_()
    assert ENGINE_KIND_LINE.findall(page) == [KIND], page
    for text in (
        "엔진 종류",
        "<code>engine kind</code>",
        "디스크 여유 공간",
        "/에 0.1 GiB 남음",
        "→ 비우세요",
    ):
        assert text in page, f"no {text!r} in:\n{page}"
    assert "free space" not in page, f"the English fix shows in the notebook:\n{page}"
    assert report.text().splitlines()[1] == "✗ free disk: 0.1 GiB free at /", report.text()
    assert "✗ 디스크 여유 공간: /에 0.1 GiB 남음" in report.text(korean=True), report.text(
        korean=True
    )
