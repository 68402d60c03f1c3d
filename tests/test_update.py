"""4. Living projects: `copier update` from earlier releases, conflicts, adding and removing a
pattern, tasks and migrations.

Every test works on a temporary clone of this repository (`template_repo`): the release tags
come from the clone (or, when it has none, from the commits CHANGELOG.md names), and the
working tree under test is committed on top, so an update goes from a real release to exactly
what the other tests render. Projects are generated and updated as their owners would: copy
with the task (git init and a first commit), edits committed, then the `copier update` CLI.

The yardstick of an update: the updated project equals a fresh render of the new version with
the same answers, plus the owner's edits (each applied to the fresh render), byte for byte.

Slow: the scenarios that end in the project's `make check` install its dependencies into one
shared environment per tool (`UV_PROJECT_ENVIRONMENT`), so uv installs them once.
"""

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from copier import run_copy

from tests.conftest import DEFAULTS, PATTERNS, ROOT, files_of, pyenv_path

pytestmark = pytest.mark.slow

PACKAGE = "orders_service"  # DEFAULTS' project name, as a package
START_PATTERNS = ["serverless_api"]
GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "Service Owner",
    "GIT_AUTHOR_EMAIL": "owner@example.com",
    "GIT_COMMITTER_NAME": "Service Owner",
    "GIT_COMMITTER_EMAIL": "owner@example.com",
}
RELEASE_HEADING = re.compile(
    r"^## (?P<version>\d+\.\d+\.\d+\S*) \([0-9-]+, commit (?P<commit>[0-9a-f]{7,40})\)$", re.MULTILINE
)
CONFIG = yaml.safe_load((ROOT / "copier.yml").read_text())


# --- Releases --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Release:
    version: str
    commit: str  # as CHANGELOG.md writes it: an abbreviated hash

    @property
    def tag(self) -> str:
        return f"v{self.version}"


def git(cwd: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"git {' '.join(args)} failed in {cwd}:\n{result.stderr}"
    return result.stdout.strip()


def declared_releases() -> list[Release]:
    """Releases CHANGELOG.md declares, newest first."""
    changelog = (ROOT / "CHANGELOG.md").read_text()
    return [Release(m["version"], m["commit"]) for m in RELEASE_HEADING.finditer(changelog)]


def releases_under_test() -> list[Release]:
    """The oldest supported release and the previous one (the newest not at HEAD), once each."""
    releases = declared_releases()
    head = git(ROOT, "rev-parse", "HEAD")
    previous = next((r for r in releases if not head.startswith(r.commit)), releases[-1])
    return list(dict.fromkeys([releases[-1], previous]))


def test_changelog_declares_the_releases_the_tests_start_from() -> None:
    releases = declared_releases()

    assert releases, "CHANGELOG.md declares no release as '## <version> (<date>, commit <hash>)'"
    for release in releases:
        assert git(ROOT, "cat-file", "-t", release.commit) == "commit", release
        tagged = subprocess.run(
            ["git", "rev-parse", "--verify", "--quiet", f"refs/tags/{release.tag}^{{commit}}"],
            cwd=ROOT, capture_output=True, text=True, check=False,
        ).stdout.strip()
        if tagged:  # a clone without tags still has the commits
            assert tagged.startswith(release.commit), f"{release.tag} tags {tagged}, CHANGELOG says {release.commit}"


# --- Fixtures --------------------------------------------------------------------------------


@pytest.fixture(scope="session", autouse=True)
def git_identity() -> Iterator[None]:
    """Commits by the copy task, copier and the tests work where git has no user configured."""
    with pytest.MonkeyPatch.context() as patch:
        for name, value in GIT_IDENTITY.items():
            patch.setenv(name, value)
        yield


@pytest.fixture(scope="session")
def template_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A clone with every release tagged and the working tree under test committed as HEAD."""
    repo = tmp_path_factory.mktemp("template-repo") / "template"
    git(ROOT, "clone", "--quiet", "--no-local", str(ROOT), str(repo))
    for release in declared_releases():
        tagged = subprocess.run(
            ["git", "rev-parse", "--verify", "--quiet", f"refs/tags/{release.tag}"],
            cwd=repo, capture_output=True, check=False,
        )
        if tagged.returncode != 0:
            git(repo, "tag", "--annotate", "--message", f"{release.version} (from CHANGELOG.md)", release.tag, release.commit)
    for name in ("copier.yml", "template", "hooks"):
        target = repo / name
        shutil.rmtree(target) if target.is_dir() else target.unlink()
        copy = shutil.copytree if (ROOT / name).is_dir() else shutil.copy
        copy(ROOT / name, target)
    git(repo, "add", "--all")
    if git(repo, "status", "--porcelain"):
        git(repo, "commit", "--quiet", "--message", "Working tree under test")
    return repo


@pytest.fixture(scope="session")
def shared_venvs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("venvs")


# --- Projects and owners ---------------------------------------------------------------------


def generate(template: Path, destination: Path, vcs_ref: str, **answers: Any) -> Path:
    """`copier copy --trust` as an owner runs it: the task makes the first commit."""
    run_copy(
        str(template), destination, data={**DEFAULTS, **answers}, vcs_ref=vcs_ref,
        defaults=True, quiet=True, unsafe=True,
    )
    assert git(destination, "rev-list", "--count", "HEAD") == "1"
    return destination


def fresh_render(template: Path, destination: Path, **answers: Any) -> Path:
    run_copy(
        str(template), destination, data={**DEFAULTS, **answers}, vcs_ref="HEAD",
        defaults=True, quiet=True, unsafe=True, skip_tasks=True,
    )
    return destination


def copier_update(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The `copier update` command line, to HEAD of the template clone."""
    return subprocess.run(
        [sys.executable, "-m", "copier", "update", "--trust", "--defaults", "--vcs-ref", "HEAD", *args],
        cwd=project, env=pyenv_path(), capture_output=True, text=True, check=False,
    )


def run_make(project: Path, venv: Path, *targets: str) -> subprocess.CompletedProcess[str]:
    env = {**pyenv_path(), "UV_PROJECT_ENVIRONMENT": str(venv)}
    return subprocess.run(["make", *targets], cwd=project, env=env, capture_output=True, text=True, check=False)


def assert_make_check_passes(project: Path, venv: Path) -> None:
    for target in ("install", "check"):
        result = run_make(project, venv, target)
        output = result.stdout + result.stderr
        assert result.returncode == 0, f"make {target} failed in {project}:\n{output[-6000:]}"
    assert " passed" in output and " 0 failed" in output


@dataclass(frozen=True)
class OwnerEdit:
    """One change an owner makes: `change` maps a file's text (None: a new file) to the edited text."""

    path: str
    change: Callable[[str | None], str]
    mark: str  # text only the edit brings

    def apply(self, project: Path) -> None:
        target = project / self.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(self.change(target.read_text() if target.exists() else None))


def append(text: str) -> Callable[[str | None], str]:
    def change(current: str | None) -> str:
        assert current is not None
        return current + text

    return change


def insert_after(anchor: str, text: str) -> Callable[[str | None], str]:
    def change(current: str | None) -> str:
        assert current is not None and current.count(anchor) == 1, f"anchor not found once: {anchor!r}"
        return current.replace(anchor, anchor + text)

    return change


def new_file(text: str) -> Callable[[str | None], str]:
    def change(current: str | None) -> str:
        assert current is None, "the owner's file must not be one the template renders"
        return text

    return change


PING_ROUTE = '''

@app.get("/ping")
def ping() -> dict[str, str]:
    """Owner's edit: a health route for the load tests."""
    return {"status": "ok"}
'''
PING_TEST = f'''"""Owner's test of the health route."""

import json

from {PACKAGE}.serverless_api import handler
from tests.helpers import FakeLambdaContext, load_event


def test_ping_answers_ok() -> None:
    event = load_event("serverless_api", "list_items")
    event["rawPath"] = event["requestContext"]["http"]["path"] = "/ping"
    event["routeKey"] = "GET /ping"

    response = handler.handler(event, FakeLambdaContext())

    assert response["statusCode"] == 200
    assert json.loads(response["body"]) == {{"status": "ok"}}
'''
SAM_PING_EVENT = """
        Ping:
          Type: HttpApi
          Properties: {ApiId: !Ref HttpApi, Method: GET, Path: /ping}"""
CDK_PING_ROUTE = '\n    ("/ping", apigwv2.HttpMethod.GET),'
RUNBOOK = "\n## Runbook (owner)\n\nPage the orders on-call rota before replaying anything.\n"


def owner_edits(iac: str) -> list[OwnerEdit]:
    """A handler route, the infra that routes to it, a test of it, and the README."""
    infra = (
        OwnerEdit(
            "template.yaml",
            insert_after('Properties: {ApiId: !Ref HttpApi, Method: DELETE, Path: "/items/{item_id}"}', SAM_PING_EVENT),
            "Path: /ping",
        )
        if iac == "sam"
        else OwnerEdit(
            "infra/patterns/serverless_api.py",
            insert_after('("/items/{item_id}", apigwv2.HttpMethod.DELETE),', CDK_PING_ROUTE),
            '("/ping", apigwv2.HttpMethod.GET)',
        )
    )
    return [
        OwnerEdit(f"src/{PACKAGE}/serverless_api/handler.py", append(PING_ROUTE), 'def ping() -> dict[str, str]:'),
        infra,
        OwnerEdit("tests/unit/serverless_api/test_ping.py", new_file(PING_TEST), "def test_ping_answers_ok"),
        OwnerEdit("README.md", append(RUNBOOK), "## Runbook (owner)"),
    ]


def commit_edits(project: Path, edits: list[OwnerEdit], message: str = "Owner's edits") -> None:
    for edit in edits:
        edit.apply(project)
    git(project, "add", "--all")
    git(project, "commit", "--quiet", "--message", message)


def tree(project: Path) -> dict[str, bytes]:
    return {path.relative_to(project).as_posix(): path.read_bytes() for path in files_of(project)}


def assert_fresh_render_plus_edits(project: Path, fresh: Path, edits: list[OwnerEdit]) -> int:
    """The updated project is the new version's render with the owner's edits; returns edits checked."""
    expected = tree(fresh)
    for edit in edits:
        before = expected[edit.path].decode() if edit.path in expected else None
        expected[edit.path] = edit.change(before).encode()
    actual = tree(project)

    assert sorted(actual) == sorted(expected), "files differ from the new render plus the owner's"
    for path, content in expected.items():
        assert actual[path] == content, f"{path} is not the new render with the owner's edits"
    for edit in edits:
        assert edit.mark in (project / edit.path).read_text(), f"owner's edit lost in {edit.path}"
    return len(edits)


def assert_update_succeeded(project: Path, result: subprocess.CompletedProcess[str]) -> None:
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "report_conflicts.py" in output, "the after-update migration ran"
    assert git(project, "diff", "--name-only", "--diff-filter=U") == ""


def answers(project: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((project / ".copier-answers.yml").read_text())
    return loaded


def pattern_to_add() -> str:
    missing = [pattern for pattern in PATTERNS if pattern not in START_PATTERNS]
    if not missing:
        pytest.skip(f"the template offers no pattern besides {START_PATTERNS} yet")
    return missing[0]


# --- Update from a release -------------------------------------------------------------------


@pytest.mark.parametrize("release", releases_under_test(), ids=lambda release: release.tag)
def test_update_from_a_release_keeps_the_owners_edits(
    template_repo: Path, shared_venvs: Path, tmp_path: Path, release: Release
) -> None:
    """SAM project from `release`, 4 owner edits (handler route, its template.yaml route, a test
    of it, README section), updated to HEAD: the edits survive and `make check` passes."""
    project = generate(template_repo, tmp_path / "project", release.tag)
    assert answers(project)["_commit"] == release.tag
    edits = owner_edits("sam")
    commit_edits(project, edits)

    result = copier_update(project)

    assert_update_succeeded(project, result)
    assert answers(project)["_commit"] == git(template_repo, "describe", "--tags", "--always")
    fresh = fresh_render(template_repo, tmp_path / "fresh")
    assert assert_fresh_render_plus_edits(project, fresh, edits) == 4
    assert_make_check_passes(project, shared_venvs / "sam")
