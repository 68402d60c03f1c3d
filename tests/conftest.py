"""Shared fixtures: render the template in-process, from a snapshot without git history.

Rendering from a plain folder skips copier's git clone per render; the slow tests that
need the real thing (tasks, updates) go through pytest-copie or a clone instead.
"""

import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from copier import run_copy

ROOT = Path(__file__).resolve().parent.parent
DEFAULTS: dict[str, Any] = {"project_name": "Orders Service"}
PATTERNS = ["serverless_api", "event_driven", "microservices", "cqrs_es"]  # every pattern key copier.yml offers, in the README's order

Render = Callable[..., Path]


def pyenv_path() -> dict[str, str]:
    """Environment in which python3.12/3.13 resolve when pyenv manages the interpreters."""
    env = dict(os.environ)
    env.pop("VIRTUAL_ENV", None)  # the template's own venv is not the generated project's
    if shutil.which("pyenv") and "PYENV_VERSION" not in env:
        versions = subprocess.run(
            ["pyenv", "versions", "--bare"], capture_output=True, text=True, check=False
        ).stdout.split()
        wanted = [v for v in versions if v.startswith(("3.13", "3.12", "3.11"))]
        if wanted:
            env["PYENV_VERSION"] = ":".join(sorted(wanted, reverse=True))
    env.setdefault("UV_PYTHON_DOWNLOADS", "never")
    env.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    return env


def snapshot_template(destination: Path) -> Path:
    """The template's working tree without git history, so copier renders it without a clone."""
    shutil.copy(ROOT / "copier.yml", destination)
    shutil.copytree(ROOT / "template", destination / "template")
    shutil.copytree(ROOT / "hooks", destination / "hooks")
    return destination


@pytest.fixture(scope="session")
def template_snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return snapshot_template(tmp_path_factory.mktemp("template"))


@pytest.fixture(scope="session")
def render(template_snapshot: Path, tmp_path_factory: pytest.TempPathFactory) -> Render:
    """Render with the default answers plus `answers`; tasks skipped (they are conveniences)."""

    def _render(**answers: Any) -> Path:
        destination = tmp_path_factory.mktemp("project")
        run_copy(
            str(template_snapshot),
            destination,
            data={**DEFAULTS, **answers},
            defaults=True,
            skip_tasks=True,
            quiet=True,
            unsafe=True,
        )
        return destination

    return _render


def files_of(project: Path) -> Iterator[Path]:
    for path in sorted(project.rglob("*")):
        if path.is_file() and ".git" not in path.parts:
            yield path
