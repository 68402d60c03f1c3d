"""Shared fixtures: render the template in-process, from a snapshot without git history.

Rendering from a plain folder skips copier's git clone per render; the slow tests that
need the real thing (updates, the newcomer path) go through a clone instead.
"""

import functools
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any
from unittest import mock

import copier._main
import pytest
import yaml
from copier import run_copy
from jinja2.sandbox import SandboxedEnvironment

ROOT = Path(__file__).resolve().parent.parent
DEFAULTS: dict[str, Any] = {"project_name": "Orders Service"}
# copier.yml's pattern registry: every pattern key offered, in the README's order, with its facts.
REGISTRY: dict[str, dict[str, Any]] = yaml.safe_load((ROOT / "copier.yml").read_text())[
    "pattern_registry"
]["default"]
PATTERNS = list(REGISTRY)

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


_COMPILED: dict[tuple[Any, ...], Any] = {}


def _caching_jinja_env() -> functools.cached_property[SandboxedEnvironment]:
    """Copier's Jinja environment, compiling each template source once per test session.

    Every render builds its environment with the same settings, so code compiled for one
    render is valid for the next; a changed source is a new key.
    """
    build = copier._main.Worker.__dict__["jinja_env"].func

    def jinja_env(worker: copier._main.Worker) -> SandboxedEnvironment:
        env: SandboxedEnvironment = build(worker)
        compile_source = env.compile

        def compile_once(source: Any, *args: Any, **kwargs: Any) -> Any:
            if isinstance(source, str):
                # Extensions reset their state while compiling (copier's yield tag clears its
                # context in `preprocess`); a cached compilation must still run that step.
                env.preprocess(source)
            key = (source, args, tuple(sorted(kwargs.items())))
            if key not in _COMPILED:
                _COMPILED[key] = compile_source(source, *args, **kwargs)
            return _COMPILED[key]

        env.compile = compile_once  # type: ignore[method-assign]
        return env

    prop = functools.cached_property(jinja_env)
    prop.__set_name__(copier._main.Worker, "jinja_env")
    return prop


@contextmanager
def fast_rendering() -> Iterator[None]:
    """Render into a fresh folder without per-file costs that only matter inside a git repository.

    Copier compiles every template anew for each render and, after writing each file, asks git
    about the destination's index (one process per file), a no-op for a folder that is not a
    repository. Both are skipped here; the output is the same. Patches copier's internals, so
    if they move, renders fall back to the normal (slower) path.
    """
    with ExitStack() as stack:
        if isinstance(copier._main.Worker.__dict__.get("jinja_env"), functools.cached_property):
            stack.enter_context(
                mock.patch.object(copier._main.Worker, "jinja_env", _caching_jinja_env())
            )
        if hasattr(copier._main, "is_git_available"):
            stack.enter_context(mock.patch.object(copier._main, "is_git_available", lambda: False))
        yield


def render_into(template: Path, destination: Path, **answers: Any) -> Path:
    """Render with the default answers plus `answers`, without `--trust`, as a user does."""
    with fast_rendering():
        run_copy(
            str(template), destination, data={**DEFAULTS, **answers}, defaults=True, quiet=True
        )
    return destination


@pytest.fixture(scope="session")
def render(template_snapshot: Path, tmp_path_factory: pytest.TempPathFactory) -> Render:
    """Render into a new folder with the default answers plus `answers`."""

    def _render(**answers: Any) -> Path:
        return render_into(template_snapshot, tmp_path_factory.mktemp("project"), **answers)

    return _render


def files_of(project: Path) -> Iterator[Path]:
    for path in sorted(project.rglob("*")):
        if path.is_file() and ".git" not in path.parts:
            yield path


@pytest.fixture(scope="session")
def project_caches(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, str]]:
    """Per tool, the environment for running generated projects' `make`: one virtual environment
    and one mypy cache shared by every project of the session, whichever module checks it.

    The projects' checks run unchanged; sharing spares reinstalling the dependencies and
    re-reading aws_cdk's stubs (about 50 s of mypy per CDK project when cold).
    """
    caches = tmp_path_factory.mktemp("project-caches")
    return {
        iac: {
            **pyenv_path(),
            "UV_PROJECT_ENVIRONMENT": str(caches / f"venv-{iac}"),
            "MYPY_CACHE_DIR": str(caches / f"mypy-{iac}"),
        }
        for iac in ("sam", "cdk")
    }
