"""environment.yml (conda) and pyproject.toml name the same dependencies and bounds."""

import re
import tomllib
from pathlib import Path

import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
CONDA_TO_PYPI = {"docker-py": "docker", "redis-py": "redis"}


def _pyproject() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = [*project["dependencies"], *project["optional-dependencies"]["dev"]]
    return {canonicalize_name(r.name): str(r.specifier) for r in map(Requirement, reqs)}


def _conda() -> dict[str, str]:
    found = {}
    deps = yaml.safe_load((ROOT / "environment.yml").read_text())["dependencies"]
    pip = [d for dep in deps if isinstance(dep, dict) for d in dep.get("pip", [])]
    for dep in [*deps, *pip]:
        if not isinstance(dep, str) or dep.split(">")[0].split("=")[0] in {"python", "pip"}:
            continue
        if dep.startswith("-"):  # `-e .`: the course package itself
            continue
        name, spec = re.match(r"([A-Za-z0-9_.\-]+)\s*(.*)", dep).groups()
        req = Requirement(CONDA_TO_PYPI.get(name, name) + spec)
        found[canonicalize_name(req.name)] = str(req.specifier)
    return found


def test_same_names_and_bounds() -> None:
    pyproject, conda = _pyproject(), _conda()
    assert conda == pyproject, f"conda {conda}\npyproject {pyproject}"
