"""The apps' boundaries are checked by `make lint` (lint-imports), not hoped for.

The linter runs on a copy of the project's Python packages: untouched it passes; with a planted
import that crosses a boundary it fails and names the import.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
CONFIG = PYPROJECT["tool"]["importlinter"]
PACKAGES = CONFIG["root_packages"]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
SKIP = shutil.ignore_patterns(
    "__pycache__", "*.pyc", "locale", "templates", "static", "*.mo", "*.po", "*.html"
)


@pytest.fixture
def project(tmp_path):
    """A copy of the project's packages, pyproject.toml and the contract's own module."""
    for name in [*PACKAGES, "tools"]:
        shutil.copytree(ROOT / name, tmp_path / name, ignore=SKIP)
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def lint_imports(folder: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(folder), "NO_COLOR": "1", "COLUMNS": "200"}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def plant(path: Path, line: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")


def test_every_app_and_the_project_are_covered():
    apps = [p.parent.name for p in ROOT.glob("*/apps.py")]
    assert sorted([*apps, "kyodo_office"]) == sorted(PACKAGES)
    contracts = {c["id"]: c for c in CONFIG["contracts"]}
    layered = {
        app.strip()
        for layer in contracts["layers"]["layers"]
        for app in layer.replace("|", ":").split(":")
    }
    assert layered == set(PACKAGES)
    assert sorted(contracts["public-api"]["apps"]) == sorted(set(PACKAGES) - {"kyodo_office"})


def test_the_untouched_project_keeps_every_contract(project):
    result = lint_imports(project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BROKEN" not in result.stdout


def test_importing_another_apps_form_breaks_the_public_api_contract(project):
    plant(project / "groups" / "selectors.py", "from events.forms import GuestRegistrationForm")
    result = lint_imports(project)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "groups.selectors -> events.forms" in result.stdout


def test_a_lower_layer_importing_a_feature_app_breaks_the_layers(project):
    plant(project / "core" / "models.py", "import facilities.views")
    result = lint_imports(project)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Layers" in result.stdout and "BROKEN" in result.stdout
    assert "core.models -> facilities.views" in result.stdout


def test_a_cycle_between_feature_apps_breaks_their_order(project):
    plant(project / "facilities" / "selectors.py", "from events.selectors import upcoming")
    result = lint_imports(project)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "facilities.selectors -> events.selectors" in result.stdout


def test_no_module_imports_another_apps_private_names():
    """A leading underscore is an app's own business, even in its public modules."""
    found = []
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if not isinstance(node, ast.ImportFrom) or not node.module or node.level:
                    continue
                owner = node.module.split(".")[0]
                if owner == package or owner not in PACKAGES:
                    continue
                found += [
                    f"{path.relative_to(ROOT)}: {node.module}.{alias.name}"
                    for alias in node.names
                    if alias.name.startswith("_")
                ]
    assert found == []
