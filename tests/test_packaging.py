"""The project installs from its own files: pyproject and environment.yml agree, and the
set-up commands the README gives are the ones CI runs."""

from __future__ import annotations

import re
import tomllib

import yaml

from .conftest import ROOT

# conda-forge spells a few packages differently from PyPI.
CONDA_NAMES = {"pyyaml": "pyyaml", "pillow": "pillow"}


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[ ;]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _pyproject_names() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = {_name(r) for r in project["dependencies"]}
    for extra in project["optional-dependencies"].values():
        names |= {_name(r) for r in extra}
    return names


def _environment_names() -> set[str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    names = set()
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            names |= {_name(r) for r in dep.get("pip", []) if not r.startswith("-")}
        elif _name(dep) not in ("python", "pip"):
            names.add(_name(dep))
    return names


def test_environment_yml_lists_the_same_packages_as_pyproject():
    assert _environment_names() == _pyproject_names()


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in readme and "make demo" in readme
    assert ci.strip().splitlines()[-1].strip() == "make test"


def test_public_api_is_importable():
    import policytrack

    for name in policytrack.__all__:
        assert hasattr(policytrack, name), name
