"""4. Living projects: `copier update` from earlier releases, by hand and by Renovate's copier
manager, conflicts, adding and removing a pattern, and a template that needs no trust.

Every test works on a temporary clone of this repository (`template_repo`): the release tags
come from the clone (or, when it has none, from the commits CHANGELOG.md names), and the
working tree under test is committed on top, so an update goes from a real release to exactly
what the other tests render. Projects are generated and updated as their owners would: `copier
copy`, the first commit its closing message suggests, edits committed, then the `copier update`
CLI (with `--trust` only from releases whose tasks need it, as CHANGELOG.md says).

The yardstick of an update: the updated project equals a fresh render of the new version with
the same answers, plus the owner's edits (each applied to the fresh render), byte for byte.

Slow: the scenarios that end in the project's `make check` run it in conftest's
`project_caches` (one virtual environment and mypy cache per tool for the whole session).
"""

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

from tests.conftest import DEFAULTS, PATTERNS, REGISTRY, ROOT, files_of, pyenv_path

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
    r"^## (?P<version>\d+\.\d+\.\d+\S*) \([0-9-]+, commit (?P<commit>[0-9a-f]{7,40})\)$",
    re.MULTILINE,
)
CONFIG = yaml.safe_load((ROOT / "copier.yml").read_text())
# Renovate's copier manager runs exactly this, with the new release's tag, and never `--trust`
# on the hosted app.
RENOVATE_UPDATE = [
    "update",
    "--skip-answered",
    "--defaults",
    "--answers-file",
    ".copier-answers.yml",
]
UNSAFE_EXIT_STATUS = 4  # copier's exit status when a template needs --trust


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


def needs_trust(template: Path, ref: str) -> bool:
    """Whether a project generated at `ref` needs `--trust` to be updated: releases before
    0.5.0 ran a copy task, which copier checks again on every update from them."""
    config = yaml.safe_load(git(template, "show", f"{ref}:copier.yml"))
    return bool(config.get("_tasks") or config.get("_jinja_extensions"))


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
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        if tagged:  # a clone without tags still has the commits
            assert tagged.startswith(release.commit), (
                f"{release.tag} tags {tagged}, CHANGELOG says {release.commit}"
            )


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
            cwd=repo,
            capture_output=True,
            check=False,
        )
        if tagged.returncode != 0:
            git(
                repo,
                "tag",
                "--annotate",
                "--message",
                f"{release.version} (from CHANGELOG.md)",
                release.tag,
                release.commit,
            )
    for name in ("copier.yml", "template", "hooks"):
        target = repo / name
        shutil.rmtree(target) if target.is_dir() else target.unlink()
        copy = shutil.copytree if (ROOT / name).is_dir() else shutil.copy
        copy(ROOT / name, target)
    git(repo, "add", "--all")
    if git(repo, "status", "--porcelain"):
        git(repo, "commit", "--quiet", "--message", "Working tree under test")
    return repo


# --- Projects and owners ---------------------------------------------------------------------


def generate(template: Path, destination: Path, vcs_ref: str, **answers: Any) -> Path:
    """`copier copy` without `--trust`, then the first commit its closing message suggests.
    Releases before 0.5.0 made that commit in a task: it is skipped (`--skip-tasks` needs no
    trust on copy) and the owner commits, so every project starts the same way."""
    run_copy(
        str(template),
        destination,
        data={**DEFAULTS, **answers},
        vcs_ref=vcs_ref,
        defaults=True,
        quiet=True,
        skip_tasks=needs_trust(template, vcs_ref),
    )
    git(destination, "init", "--quiet", "--initial-branch=main")
    git(destination, "add", "--all")
    git(destination, "commit", "--quiet", "--message", "Generate from the template")
    return destination


def fresh_render(template: Path, destination: Path, **answers: Any) -> Path:
    run_copy(
        str(template),
        destination,
        data={**DEFAULTS, **answers},
        vcs_ref="HEAD",
        defaults=True,
        quiet=True,
    )
    return destination


def copier(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "copier", *args],
        cwd=project,
        env=pyenv_path(),
        capture_output=True,
        text=True,
        check=False,
    )


def copier_update(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The README's `copier update` command line, to HEAD of the template clone; with `--trust`
    only where CHANGELOG.md says the project needs it (its release ran tasks)."""
    recorded = answers(project)
    trust = ["--trust"] if needs_trust(Path(recorded["_src_path"]), recorded["_commit"]) else []
    return copier(project, "update", *trust, "--defaults", "--vcs-ref", "HEAD", *args)


def renovate_update(project: Path, tag: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Renovate's copier manager updating the project to the template release `tag`."""
    return copier(project, *RENOVATE_UPDATE, "--vcs-ref", tag, *args)


def release_head(template_repo: Path, destination: Path) -> tuple[Path, str]:
    """A clone of the template whose HEAD is tagged as its next release, as Renovate sees it."""
    git(destination.parent, "clone", "--quiet", "--no-local", str(template_repo), str(destination))
    tag = "v99.0.0"
    git(destination, "tag", "--annotate", "--message", "The release under test", tag)
    return destination, tag


def run_make(project: Path, env: dict[str, str], *targets: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["make", *targets], cwd=project, env=env, capture_output=True, text=True, check=False
    )


def assert_make_check_passes(project: Path, env: dict[str, str]) -> None:
    for target in ("install", "check"):
        result = run_make(project, env, target)
        output = result.stdout + result.stderr
        assert result.returncode == 0, f"make {target} failed in {project}:\n{output[-6000:]}"
    assert " passed" in output and " 0 failed" in output


@dataclass(frozen=True)
class OwnerEdit:
    """One change an owner makes: `change` maps a file's text (None: no such file) to the edited
    text (None: the owner deletes the file)."""

    path: str
    change: Callable[[str | None], str | None]
    mark: str  # text only the edit brings (unused for a deletion)

    def apply(self, project: Path) -> None:
        target = project / self.path
        changed = self.change(target.read_text() if target.exists() else None)
        if changed is None:
            target.unlink()
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(changed)

    def holds_in(self, project: Path) -> bool:
        target = project / self.path
        if self.change is delete:
            return not target.exists()
        return target.is_file() and self.mark in target.read_text()


def append(text: str) -> Callable[[str | None], str]:
    def change(current: str | None) -> str:
        assert current is not None
        return current + text

    return change


def insert_after(anchor: str, text: str) -> Callable[[str | None], str]:
    def change(current: str | None) -> str:
        assert current is not None and current.count(anchor) == 1, (
            f"anchor not found once: {anchor!r}"
        )
        return current.replace(anchor, anchor + text)

    return change


def delete(current: str | None) -> None:
    """The owner deletes a file the template renders."""
    assert current is not None, "the owner deletes a file that exists"


def new_file(text: str) -> Callable[[str | None], str]:
    def change(current: str | None) -> str:
        assert current is None, "the owner's file must not be one the template renders"
        return text

    return change


PING_ROUTE = '''

@app.route("GET /ping")
def ping(request: Request) -> Response:
    """Owner's edit: a health route for the load tests."""
    return Response(HTTPStatus.OK, {"status": "ok"})
'''
# The same route in projects from releases before the route-key router (0.2.0 and older), whose
# handlers routed with Powertools' resolver.
PING_ROUTE_ON_RESOLVER = '''

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


def owner_edits(iac: str, route: str = PING_ROUTE) -> list[OwnerEdit]:
    """A handler route, the infra that routes to it, a test of it, the README, and a deleted
    file the owner does not want (the pre-commit configuration)."""
    infra = (
        OwnerEdit(
            "template.yaml",
            insert_after(
                'Properties: {ApiId: !Ref HttpApi, Method: DELETE, Path: "/items/{item_id}"}',
                SAM_PING_EVENT,
            ),
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
        OwnerEdit(f"src/{PACKAGE}/serverless_api/handler.py", append(route), "def ping("),
        infra,
        OwnerEdit(
            "tests/unit/serverless_api/test_ping.py",
            new_file(PING_TEST),
            "def test_ping_answers_ok",
        ),
        OwnerEdit("README.md", append(RUNBOOK), "## Runbook (owner)"),
        OwnerEdit(".pre-commit-config.yaml", delete, ""),
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
        changed = edit.change(expected[edit.path].decode() if edit.path in expected else None)
        if changed is None:
            del expected[edit.path]
        else:
            expected[edit.path] = changed.encode()
    actual = tree(project)

    assert sorted(actual) == sorted(expected), "files differ from the new render plus the owner's"
    for path, content in expected.items():
        assert actual[path] == content, f"{path} is not the new render with the owner's edits"
    for edit in edits:
        assert edit.holds_in(project), f"owner's edit lost in {edit.path}"
    return len(edits)


def assert_update_succeeded(project: Path, result: subprocess.CompletedProcess[str]) -> None:
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Traceback" not in output, output
    assert git(project, "diff", "--name-only", "--diff-filter=U") == ""


def answers(project: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((project / ".copier-answers.yml").read_text())
    return loaded


def pattern_to_add() -> str:
    missing = [pattern for pattern in PATTERNS if pattern not in START_PATTERNS]
    if not missing:
        pytest.skip(f"the template offers no pattern besides {START_PATTERNS} yet")
    return missing[0]


def edits_for(project: Path, iac: str) -> tuple[list[OwnerEdit], bool]:
    """The owner's edits, the route written for the routing `project`'s handler uses, and
    whether that is the Powertools resolver of 0.2.0 and older."""
    handler = project / "src" / PACKAGE / "serverless_api" / "handler.py"
    on_resolver = "@app.get(" in handler.read_text()
    return owner_edits(iac, PING_ROUTE_ON_RESOLVER if on_resolver else PING_ROUTE), on_resolver


def settle_update(
    project: Path, result: subprocess.CompletedProcess[str], fresh: Path, on_resolver: bool
) -> None:
    """The update succeeded; from a resolver-era project, after the owner ports their route.

    The handlers' routing changed (CHANGELOG): the owner's route meets the handler's new last
    line, the update leaves the conflict inline, and the owner ports the route to the router.
    """
    if not on_resolver:
        assert_update_succeeded(project, result)
        return
    handler = Path("src") / PACKAGE / "serverless_api" / "handler.py"
    assert result.returncode == 0, result.stdout + result.stderr
    assert git(project, "diff", "--name-only", "--diff-filter=U") == handler.as_posix()
    assert "<<<<<<< before updating" in (project / handler).read_text()
    (project / handler).write_text((fresh / handler).read_text() + PING_ROUTE)
    git(project, "add", handler.as_posix())


# --- Update from a release -------------------------------------------------------------------


@pytest.mark.parametrize("release", releases_under_test(), ids=lambda release: release.tag)
def test_update_from_a_release_keeps_the_owners_edits(
    template_repo: Path, project_caches: dict[str, dict[str, str]], tmp_path: Path, release: Release
) -> None:
    """SAM project from `release`, 5 owner edits (handler route, its template.yaml route, a test
    of it, README section, a deleted file), updated to HEAD: the edits survive, the deleted file
    stays deleted, and `make check` passes. A route written for the Powertools resolver of 0.2.0
    and older conflicts with the route-key router; the owner ports it as the CHANGELOG says.
    A project from a release that ran tasks (before 0.5.0) is refused by Renovate's command
    line, changing nothing, until one update with `--trust` (CHANGELOG 0.5.0)."""
    project = generate(template_repo, tmp_path / "project", release.tag)
    assert answers(project)["_commit"] == release.tag
    edits, on_resolver = edits_for(project, "sam")
    commit_edits(project, edits)
    if needs_trust(template_repo, release.tag):
        refused = renovate_update(project, "HEAD")
        assert refused.returncode == UNSAFE_EXIT_STATUS, refused.stdout + refused.stderr
        assert "--trust" in refused.stderr
        assert git(project, "status", "--porcelain") == ""

    result = copier_update(project)

    fresh = fresh_render(template_repo, tmp_path / "fresh")
    settle_update(project, result, fresh, on_resolver)
    assert answers(project)["_commit"] == git(template_repo, "describe", "--tags", "--always")
    assert assert_fresh_render_plus_edits(project, fresh, owner_edits("sam")) == 5
    assert_make_check_passes(project, project_caches["sam"])


# --- Conflicts -------------------------------------------------------------------------------


def resolve_keeping_ours(text: str) -> str:
    """Resolve copier's inline conflicts the way an owner keeping their own lines would."""
    resolved = re.sub(
        r"^<{7} before updating\n(?P<ours>.*?)^={7}\n.*?^>{7} after updating\n",
        lambda match: match["ours"],
        text,
        flags=re.MULTILINE | re.DOTALL,
    )
    assert resolved != text
    return resolved


def test_a_conflicting_template_update_fails_the_checks_until_resolved(
    template_repo: Path, project_caches: dict[str, dict[str, str]], tmp_path: Path
) -> None:
    """Renovate's command line, without `--trust`: the owner and the next release both change
    README's first line (plus a route elsewhere). The update exits 0 and leaves the conflict
    inline, as copier does; git marks the file unmerged, and the project's `make conflicts` and
    `make check` fail on it, as CI fails the pull request. With `--conflict rej` the *.rej file
    fails them too. Resolved, both pass."""
    repo = tmp_path / "template"
    git(tmp_path, "clone", "--quiet", "--no-local", str(template_repo), str(repo))
    project = generate(repo, tmp_path / "project", "HEAD")
    title = (project / "README.md").read_text().splitlines()[0]
    edits = [
        OwnerEdit("README.md", insert_after(title, " (owned by Orders)"), "(owned by Orders)"),
        *owner_edits("sam")[:2],  # a route (code and infra), away from any upstream change
    ]
    commit_edits(project, edits)
    upstream = repo / "template" / "README.md.jinja"
    first, rest = upstream.read_text().split("\n", 1)
    upstream.write_text(f"{first} service\n{rest}")
    git(repo, "commit", "--quiet", "--all", "--message", "Upstream: retitle the README")
    git(repo, "tag", "--annotate", "--message", "Next release", "v99.0.0")

    rejected = renovate_update(project, "v99.0.0", "--conflict", "rej")

    assert rejected.returncode == 0, rejected.stdout + rejected.stderr
    assert (project / "README.md.rej").is_file()
    conflicts = run_make(project, project_caches["sam"], "conflicts")
    assert conflicts.returncode != 0 and "./README.md.rej" in conflicts.stdout
    git(project, "reset", "--quiet", "--hard")
    git(project, "clean", "--quiet", "--force", "-d")

    inline = renovate_update(project, "v99.0.0")

    assert inline.returncode == 0, inline.stdout + inline.stderr
    assert "Traceback" not in inline.stdout + inline.stderr
    assert answers(project)["_commit"] == "v99.0.0"
    assert git(project, "diff", "--name-only", "--diff-filter=U") == "README.md"
    readme = (project / "README.md").read_text()
    assert f"{title} (owned by Orders)" in readme and f"{title} service" in readme
    conflicts = run_make(project, project_caches["sam"], "conflicts")
    assert conflicts.returncode != 0 and "./README.md:1:<<<<<<< before updating" in conflicts.stdout
    check = run_make(project, project_caches["sam"], "check")
    assert check.returncode != 0 and "Resolve the conflict markers" in check.stdout
    assert edits[1].mark in (project / edits[1].path).read_text(), (
        "the edit without conflict is kept"
    )

    (project / "README.md").write_text(resolve_keeping_ours(readme))
    git(project, "add", "README.md")

    assert run_make(project, project_caches["sam"], "conflicts").returncode == 0
    assert_make_check_passes(project, project_caches["sam"])
    assert (project / "README.md").read_text().splitlines()[0] == f"{title} (owned by Orders)"


# --- Renovate ----------------------------------------------------------------------------------


def trust_free_releases() -> list[Release]:
    return [r for r in releases_under_test() if not needs_trust(ROOT, r.commit)]


@pytest.mark.parametrize("release", trust_free_releases(), ids=lambda release: release.tag)
def test_renovate_updates_from_the_release_without_trust_and_keeps_the_owners_edits(
    template_repo: Path, tmp_path: Path, release: Release
) -> None:
    """Renovate's exact command line, no `--trust`, from the previous release to the one under
    test: exit 0, no conflict, the project equals the new render plus the 5 owner edits.
    (The same edits pass `make check` in test_update_from_a_release_keeps_the_owners_edits.)"""
    repo, tag = release_head(template_repo, tmp_path / "template")
    project = generate(repo, tmp_path / "project", release.tag)
    edits, _ = edits_for(project, "sam")
    commit_edits(project, edits)

    result = renovate_update(project, tag)

    assert_update_succeeded(project, result)
    assert answers(project)["_commit"] == tag
    fresh = fresh_render(repo, tmp_path / "fresh")
    assert assert_fresh_render_plus_edits(project, fresh, edits) == 5


# --- Adding and removing a pattern -----------------------------------------------------------


@pytest.mark.parametrize("iac", ["sam", "cdk"])
def test_adding_a_pattern_through_update(
    template_repo: Path, project_caches: dict[str, dict[str, str]], tmp_path: Path, iac: str
) -> None:
    """A project from the previous release with 5 owner edits gets a pattern it lacked:
    the pattern's code, infra, tests and ADR arrive, wired into the shared pieces (the whole
    project equals a fresh render of both patterns plus the edits), and `make check` passes."""
    added = pattern_to_add()
    release = releases_under_test()[-1]
    project = generate(template_repo, tmp_path / "project", release.tag, iac=iac)
    edits, on_resolver = edits_for(project, iac)
    commit_edits(project, edits)

    result = copier_update(project, "--data", f"patterns={[*START_PATTERNS, added]}")

    fresh = fresh_render(
        template_repo, tmp_path / "fresh", iac=iac, patterns=[*START_PATTERNS, added]
    )
    settle_update(project, result, fresh, on_resolver)
    assert answers(project)["patterns"] == [*START_PATTERNS, added]
    assert assert_fresh_render_plus_edits(project, fresh, owner_edits(iac)) == 5
    code = project / "src" / PACKAGE / added
    assert sorted(path.name for path in code.glob("*.py")) != ["__init__.py"], "the pattern's code"
    assert list((project / "tests" / "unit" / added).glob("test_*.py")), "the pattern's tests"
    assert (project / "docs" / "adr" / REGISTRY[added]["adr"]).is_file()
    if iac == "sam":
        assert f"Handler: {PACKAGE}.{added}." in (project / "template.yaml").read_text()
    else:
        assert (project / "infra" / "patterns" / f"{added}.py").is_file()
        assert REGISTRY[added]["cdk_class"] in (project / "infra" / "stack.py").read_text()
    assert_make_check_passes(project, project_caches[iac])


def test_removing_a_pattern_through_update(template_repo: Path, tmp_path: Path) -> None:
    """What README.md documents: every file the template rendered only for the removed pattern
    is deleted, an owner's edit to one of them included (the commit before the update keeps it);
    files the owner added in the pattern's folders stay. 4 owner edits checked: one to a removed
    file, one added file in the removed folder, and a route and README edit that stay.

    No `make check` here: the result equals a fresh render of the remaining patterns plus the
    surviving edits, and test_generated_projects runs that render's checks."""
    removed = pattern_to_add()
    both = [*START_PATTERNS, removed]
    project = generate(template_repo, tmp_path / "project", "HEAD", patterns=both)
    pattern_code = max((project / "src" / PACKAGE / removed).glob("*.py"))
    edited = pattern_code.relative_to(project).as_posix()
    own = f"src/{PACKAGE}/{removed}/owner_notes.py"
    kept = [owner_edits("sam")[0], owner_edits("sam")[3]]
    edits = [
        OwnerEdit(
            edited, append("\n# Owner's edit to a file of the removed pattern\n"), "Owner's edit"
        ),
        OwnerEdit(
            own, new_file('"""Owner\'s module inside the removed pattern."""\n'), "Owner's module"
        ),
        *kept,
    ]
    commit_edits(project, edits)
    only_removed = set(tree(fresh_render(template_repo, tmp_path / "both", patterns=both))) - set(
        tree(fresh_render(template_repo, tmp_path / "kept", patterns=START_PATTERNS))
    )
    assert edited in only_removed

    result = copier_update(project, "--data", f"patterns={START_PATTERNS}")

    assert_update_succeeded(project, result)
    assert not any((project / path).exists() for path in only_removed)
    deleted = set(git(project, "diff", "--name-only", "--diff-filter=D").splitlines())
    assert deleted == only_removed, "removed files show as deletions in `git status`"
    assert "Owner's edit" in git(project, "show", f"HEAD:{edited}"), "the edit stays in history"
    fresh = tmp_path / "kept"
    assert assert_fresh_render_plus_edits(project, fresh, [edits[1], *kept]) == 3
    assert (project / own).is_file()


# --- Trust ------------------------------------------------------------------------------------


def test_the_template_needs_no_trust() -> None:
    """Nothing in copier.yml makes `copier copy` or `copier update` ask for `--trust` (hooks/README.md):
    no tasks, no Jinja extensions, and only migrations bound to a release's version. Every test
    here generates from HEAD without `--trust` or `--skip-tasks` and updates without `--trust`."""
    assert "_tasks" not in CONFIG
    assert "_jinja_extensions" not in CONFIG
    unversioned = [entry for entry in CONFIG.get("_migrations") or [] if "version" not in entry]
    assert unversioned == [], "a migration without a version runs on every update"


def test_an_update_leaves_no_commit_of_its_own(template_repo: Path, tmp_path: Path) -> None:
    """Re-answering a question (the region) through `copier update` changes the files and
    leaves them for the owner to review and commit: no commit, nothing else run."""
    project = generate(template_repo, tmp_path / "project", "HEAD")
    first_commit = git(project, "rev-parse", "HEAD")
    assert git(project, "ls-files").splitlines() == sorted(tree(project))

    result = copier_update(project, "--data", "aws_region=us-east-1")

    assert_update_succeeded(project, result)
    assert git(project, "rev-parse", "HEAD") == first_commit
    assert 'region = "us-east-1"' in (project / "samconfig.toml").read_text()
    assert set(git(project, "diff", "--name-only").splitlines()) >= {
        ".copier-answers.yml",
        "samconfig.toml",
    }
