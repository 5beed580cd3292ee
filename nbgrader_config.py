"""nbgrader configuration of the course (the repository root is the course directory)."""

from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import ClearHiddenTests, GetGrades

c = get_config()  # noqa: F821 - provided by nbgrader

c.CourseDirectory.course_id = "docker-images-vs-containers"
# the work folder (Dockerfiles, saved image tars) is rebuilt at grading by re-execution and
# must never travel through the exchange (it refuses files over 100 MB)
c.CourseDirectory.ignore = [
    ".ipynb_checkpoints",
    "*.pyc",
    "__pycache__",
    "feedback",
    "work",
    "*.tar",
    "*.tar.gz",
]

# every cell may build images and wait for a server; a whole section stays well under this
c.Execute.timeout = 180
c.Execute.interrupt_on_timeout = True
c.Execute.startup_timeout = 60

# a grade cell scores 0 on any stderr: drop known engine/CLI noise only
c.IgnorePattern.enabled = True
c.IgnorePattern.pattern = (
    r"^(WARNING: |DEPRECATED: The legacy builder|\s*Install the buildx component|"
    r"WARNING! Your password|Unable to find image)"
)

# a student who deletes a test cell gets it back, ungraded cells cannot hide
c.OverwriteCells.add_missing_cells = True

c.ClearSolutions.code_stub = {
    "python": "# 여기에 코드를 작성하세요 (YOUR CODE HERE)\nraise NotImplementedError()",
}
c.ClearSolutions.text_stub = "여기에 답을 쓰세요 (YOUR ANSWER HERE)"

# feedback must not reveal hidden tests
c.GenerateFeedback.preprocessors = [GetGrades, ClearHiddenTests, CSSHTMLHeaderPreprocessor]
# nbconvert's HTML export, without its second parse of a page it would not change (~0.1 s a page)
c.GenerateFeedback.exporter_class = "autograder.grading.feedback_page.FeedbackExporter"
