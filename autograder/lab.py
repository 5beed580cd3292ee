"""``docker-course lab``: the student's JupyterLab on the student workspace.

What the student's lab leaves out and changes, through a Jupyter config folder of its own
(``.course/lab/config``, ``JUPYTER_CONFIG_DIR``; the venv's own config stays as it is):

- nbgrader's teacher tools (formgrader, create-assignment, course list) are off, server side
  and in the page; the Assignment List only where an exchange is configured (``--exchange``);
  Validate stays;
- the Korean language pack (``jupyterlab-language-pack-ko-KR``) is the default UI language,
  and the "get notified about Jupyter news?" pop-up is off.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from . import system, workspace

TEACHER_PLUGINS = (
    "@jupyter/nbgrader:formgrader",
    "@jupyter/nbgrader:create-assignment",
    "@jupyter/nbgrader:course-list",
)
# without an exchange the Nbgrader menu would be empty (its items are teacher tools)
EXCHANGE_PLUGINS = ("@jupyter/nbgrader:assignment-list", "@jupyter/nbgrader:menu")
TEACHER_SERVER = (
    "nbgrader.server_extensions.formgrader",
    "nbgrader.server_extensions.course_list",
)
EXCHANGE_SERVER = ("nbgrader.server_extensions.assignment_list",)
SETTINGS = {
    "@jupyterlab/translation-extension:plugin": {"locale": "ko_KR"},
    "@jupyterlab/apputils-extension:notification": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}


def config_dir(root: Path) -> Path:
    return root / ".course" / "lab" / "config"


def write_config(
    cfg: Path, *, exchange: Path | None = None, course_id: str = "", hub: bool = False
) -> Path:
    """The student lab's Jupyter config folder ``cfg`` (rewritten each time; the student's own
    settings, under ``lab/user-settings``, are kept)."""
    (cfg / "labconfig").mkdir(parents=True, exist_ok=True)
    off_plugins = TEACHER_PLUGINS + (() if exchange else EXCHANGE_PLUGINS)
    off_server = TEACHER_SERVER + (() if exchange else EXCHANGE_SERVER)
    _write_json(
        cfg / "labconfig" / "page_config.json",
        {"disabledExtensions": dict.fromkeys(off_plugins, True)},
    )
    _write_json(cfg / "labconfig" / "default_setting_overrides.json", SETTINGS)
    _write_json(
        cfg / "jupyter_server_config.json",
        {"ServerApp": {"jpserver_extensions": dict.fromkeys(off_server, False)}},
    )
    nbgrader_config = cfg / "nbgrader_config.py"
    if exchange:
        nbgrader_config.write_text(
            "c = get_config()  # noqa: F821  written by docker-course lab\n"
            f"c.Exchange.root = {str(exchange)!r}\n"
            f"c.CourseDirectory.course_id = {course_id!r}\n"
            + (
                # on the class server the Unix user is dcs-<id>: submit as the hub's user name
                # (the teacher's collect checks the submission's owner against it)
                'import os\nc.CourseDirectory.student_id = os.environ.get("JUPYTERHUB_USER", "*")\n'
                if hub
                else ""
            )
        )
    else:
        nbgrader_config.unlink(missing_ok=True)
    return cfg


def argv(
    root: Path, where: Path, cfg: Path, *, port: int = 8888, ip: str = "127.0.0.1"
) -> tuple[list[str], dict[str, str]]:
    """``jupyter lab`` serving ``where`` with the config folder ``cfg``, and its environment."""
    args = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        f"--ServerApp.ip={ip}",
        f"--ServerApp.port={port}",
        f"--ServerApp.root_dir={where}",
        "--LabApp.default_url=/lab/tree/00-welcome.ipynb",
    ]
    if system.is_root():
        args.append("--allow-root")
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(cfg),
        "DOCKER_COURSE_ROOT": str(root),  # the checkout: its engine state and release/
    }
    return args, env


def main(
    root: Path,
    *,
    path: Path | None = None,
    port: int = 8888,
    ip: str = "127.0.0.1",
    exchange: Path | None = None,
    course_id: str = "",
) -> None:
    """Sync the workspace, write the config, then become JupyterLab (never returns)."""
    where = (path or workspace.default_path()).expanduser().resolve()
    workspace.sync(root, where)
    cfg = write_config(config_dir(root), exchange=exchange, course_id=course_id)
    args, env = argv(root, where, cfg, port=port, ip=ip)
    print(f"JupyterLab opens {where}/00-welcome.ipynb; open the URL with the token below.")
    os.execve(args[0], args, env)


def _write_json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n")
