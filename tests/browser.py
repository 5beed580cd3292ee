"""Real-browser fixtures (pytest plugin, loaded by conftest): JupyterLab from the venv on a free
loopback port with a random token, serving throw-away copies of notebooks, driven by Debian's
Chromium through Playwright. Screenshots of every step go to ``artifacts/browser/``.

Nothing lands in the repository: notebooks are copied into a temporary root, JupyterLab's
config, runtime and settings live there too, and each section's engine names are reset after
its test. JupyterLab (its whole process group), its kernels and the browser stop in teardown.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

from autograder import course
from autograder.waiting import wait_until

try:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import expect, sync_playwright

    # an assertion waits as long as the pages' own actions (30 s), not Playwright's 5 s: a
    # loaded 2-core machine took more than 5 s to draw JupyterLab's menu bar (a bound, not a
    # speed test: a page that is right passes as soon as it is drawn)
    expect.set_options(timeout=30_000)
except ImportError:  # the `browser` fixture fails with the fix; other tests still collect
    expect = sync_playwright = None
    PlaywrightTimeout = TimeoutError

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "artifacts" / "browser"
CHROMIUM = Path(os.environ.get("DOCKER_COURSE_CHROMIUM", "/usr/bin/chromium"))
# no sandbox (root), and no background traffic: this network is closed
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SETTINGS = {
    # every cell in the DOM, so prompts and outputs can be read without scrolling
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
}
RUN_ALL_TIMEOUT_MS = int(os.environ.get("BROWSER_RUN_ALL_MS", 180_000))
SHOTS: list[Path] = []

# the notebook's kernel is started, connected and idle (the toolbar says "idle" even before)
KERNEL_READY_JS = """() => {
  const kernel = window.jupyterapp?.shell.currentWidget?.sessionContext?.session?.kernel;
  return !!kernel && kernel.connectionStatus === 'connected' && kernel.status === 'idle';
}"""
# the kernel's status, every code cell's prompt ("[3]:", "[*]:", "[ ]:") and the last stderr
STATE_JS = """() => ({
  status: document.querySelector('.jp-Notebook-ExecutionIndicator')?.dataset.status,
  prompts: [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]
    .map(p => p.textContent.trim()),
  stderr: [...document.querySelectorAll(
    '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')]
    .map(e => e.textContent).pop()?.slice(-1500) ?? null,
})"""
# done: the kernel is idle, nothing queued, and every code cell has run (or one failed)
SETTLED_JS = f"""() => {{
  const s = ({STATE_JS})();
  if (s.status !== 'idle' || !s.prompts.length || s.prompts.some(p => p.includes('*'))) return null;
  const done = s.prompts.every(p => /^\\[\\d+\\]:$/.test(p));
  return done || s.stderr ? {{...s, done}} : null;
}}"""


@dataclass(frozen=True)
class Lab:
    """A running JupyterLab: its base URL, token and the folder it serves."""

    url: str
    token: str
    root: Path

    def api(self, method: str, path: str) -> object:
        req = urllib.request.Request(
            f"{self.url}api/{path}",
            method=method,
            headers={"Authorization": f"token {self.token}"},
        )
        with urllib.request.urlopen(req, timeout=10) as reply:
            body = reply.read()
        return json.loads(body) if body else None

    def add(self, source: Path, as_path: str) -> Path:
        """Copy a notebook into the served folder (outputs and checkpoints stay there)."""
        target = self.root / as_path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source, target)
        return target

    def shutdown_kernels(self) -> None:
        for session in self.api("GET", "sessions") or []:
            self.api("DELETE", f"sessions/{session['id']}")


def _write_settings(settings_dir: Path) -> None:
    for plugin, values in SETTINGS.items():
        path = settings_dir / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))


def _stop_group(proc: subprocess.Popen) -> None:
    """SIGTERM the server's whole process group, SIGKILL it if it has not gone in 20 s."""
    for sig, grace in ((signal.SIGTERM, 20), (signal.SIGKILL, 10)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=grace)
            return
        except subprocess.TimeoutExpired:
            continue


@pytest.fixture(scope="session")
def lab(tmp_path_factory: pytest.TempPathFactory, docker_client) -> Iterator[Lab]:
    """JupyterLab on 127.0.0.1 (a port the OS picks), serving an empty temporary folder."""
    base = tmp_path_factory.mktemp("lab")
    root, state = base / "root", base / "state"
    root.mkdir()
    _write_settings(state / "settings")
    token = secrets.token_hex(24)
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(state / "config"),
        "JUPYTER_RUNTIME_DIR": str(state / "runtime"),
        "DOCKER_COURSE_ROOT": str(ROOT),  # the checkout, as under `make lab`
        "DOCKER_COURSE_WORK": str(base / "work"),  # not ~/docker-course-work
        "DOCKER_COURSE_KEEP": "1",  # cleanup cells keep state for the check panel (as grading)
    }
    argv = [
        str(Path(sys.executable).parent / "jupyter"),
        "lab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        "--ServerApp.port=0",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        f"--LabApp.user_settings_dir={state / 'settings'}",
        f"--LabApp.workspaces_dir={state / 'workspaces'}",
        "--LabApp.expose_app_in_browser=True",  # window.jupyterapp: is the kernel ready?
        *(["--allow-root"] if os.geteuid() == 0 else []),
    ]
    log = (base / "jupyterlab.log").open("wb")
    proc = subprocess.Popen(
        argv, env=env, cwd=root, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    lab = None
    try:
        info = wait_until(
            lambda: next((state / "runtime").glob("jpserver-*.json"), None),
            timeout=60,
            what=f"JupyterLab to start (log: {base / 'jupyterlab.log'})",
        )
        server = json.loads(info.read_text())
        lab = Lab(f"http://127.0.0.1:{server['port']}/", token, root)
        wait_until(lambda: lab.api("GET", "status"), timeout=30, what="JupyterLab to answer")
        yield lab
    finally:
        if lab is not None:
            try:
                lab.shutdown_kernels()
            except OSError as exc:  # the server may already be gone: its group is stopped anyway
                print(f"could not shut kernels down through the API: {exc}")
        _stop_group(proc)
        log.close()
        shutil.rmtree(base / "work", ignore_errors=True)  # section 4 saves a 100+ MB tar there


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium under Playwright (never a downloaded browser)."""
    if not CHROMIUM.is_file():
        pytest.fail(
            f"no Chromium at {CHROMIUM}: run `make browser` (apt-get install chromium "
            "fonts-noto-cjk), or set DOCKER_COURSE_CHROMIUM to a Chromium binary"
        )
    if sync_playwright is None:
        pytest.fail("Playwright is missing: `make venv` installs the dev extras (pip)")
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    pw = sync_playwright().start()
    try:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        pw.stop()


@dataclass
class Notebook:
    """One notebook open in JupyterLab; screenshots are numbered steps named after it."""

    page: object
    path: Path
    steps: int = 0

    def shot(self, step: str, element=None) -> None:
        """The whole window; with ``element``, scrolled to it, plus the element alone."""
        self.steps += 1
        name = ARTIFACTS / f"{self.path.stem}-{self.steps:02d}-{step}"
        if element is not None:
            element.scroll_into_view_if_needed()
            element.screenshot(path=f"{name}-cell.png")
            SHOTS.append(Path(f"{name}-cell.png"))
        self.page.screenshot(path=f"{name}.png", full_page=True)
        SHOTS.append(Path(f"{name}.png"))

    def cell(self, grade_id: str):
        """The cell with this nbgrader grade_id (by its position in the notebook file)."""
        return cell_of(self.page, self.path, grade_id)

    def cell_showing(self, element):
        """The notebook cell whose input or output holds ``element``."""
        return self.page.locator(".jp-Notebook .jp-Cell").filter(has=element)

    def run_all(self) -> None:
        """Run → Run All Cells, wait until every cell has run; fail on a cell's error."""
        self.page.get_by_role("menuitem", name="Run", exact=True).click()
        self.page.get_by_role("menuitem", name=re.compile(r"^Run All Cells")).click()
        try:
            state = self.page.wait_for_function(SETTLED_JS, timeout=RUN_ALL_TIMEOUT_MS)
        except PlaywrightTimeout:
            state = self.page.evaluate(STATE_JS)
            raise AssertionError(
                f"Run All did not finish in {RUN_ALL_TIMEOUT_MS} ms: {state}"
            ) from None
        settled = state.json_value()
        self.shot("run-all")
        assert settled["done"], (
            f"a cell failed during Run All (prompts {settled['prompts']}):\n{settled['stderr']}"
        )


def cell_of(page, notebook: Path, grade_id: str):
    """The cell of the notebook open in ``page`` that has this nbgrader grade_id in
    ``notebook`` (a copy of what is open: cells are found by their position)."""
    cells = nbformat.read(notebook, as_version=4).cells
    index = next(
        i
        for i, c in enumerate(cells)
        if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id
    )
    return page.locator(".jp-Notebook .jp-Cell").nth(index)


FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    if report.when == "call":
        item.stash[FAILED] = report.failed
    return report


@pytest.fixture
def open_notebook(
    browser, lab: Lab, docker_client, request: pytest.FixtureRequest
) -> Iterator[Callable[[Path, str], Notebook]]:
    """``open_notebook(source, "dir/name.ipynb")``: a copy, opened with its kernel idle."""
    opened: list[Notebook] = []

    def open_(source: Path, as_path: str) -> Notebook:
        path = lab.add(source, as_path)
        context = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="ko-KR")
        page = context.new_page()
        page.set_default_timeout(30_000)
        opened.append(Notebook(page, path))
        page.goto(f"{lab.url}lab/tree/{as_path}?token={lab.token}&reset")
        page.wait_for_function(KERNEL_READY_JS, timeout=60_000)
        return opened[-1]

    try:
        yield open_
    finally:
        try:
            for nb in opened:
                if request.node.stash.get(FAILED, True):
                    nb.shot("failed")  # what the browser showed when the test gave up
                nb.page.context.close()
            lab.shutdown_kernels()
        finally:
            for nb in opened:  # whatever the notebook made, even if the test failed
                section = course.SECTIONS.get(nb.path.stem)
                if section is not None:
                    course.reset(section, docker_client)


def pytest_terminal_summary(terminalreporter) -> None:
    if SHOTS:
        where = ARTIFACTS.relative_to(ROOT)
        terminalreporter.write_sep("-", f"browser screenshots: {len(SHOTS)} in {where}/")
