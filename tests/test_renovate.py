"""Every generated project keeps itself current through Renovate (template/renovate.json).

Checked with Renovate itself, offline: its validator accepts the file as repository config, and its
extraction (`--dry-run=extract`, no lookups) finds every pin the project writes, with the right
version and source. One lookup per tool, against a loopback stand-in for PyPI and the template's
local repository, shows the Powertools pin and its Lambda layer moving in one PR, and a template
release proposed without waiting. Renovate runs behind a proxy that refuses everything but
the loopback, and each run's own HTTP statistics must name no other host.
"""

import json
import os
import re
import subprocess
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar
from unittest import mock

import pytest
import yaml
from copier import run_copy

from tests.conftest import DEFAULTS, PATTERNS, ROOT, fast_rendering, pyenv_path, snapshot_template

pytestmark = pytest.mark.slow  # Renovate starts in seconds; the first run also installs it

# The one place the versions are pinned. Renovate 44 needs Node ^24.11: npm installs it beside Renovate.
RENOVATE = {"renovate": "44.121.2", "node": "24.21.0"}
INSTALL = ROOT / "build" / "renovate"
NODE = INSTALL / "node_modules" / ".bin" / "node"
DIST = INSTALL / "node_modules" / "renovate" / "dist"

TEMPLATE_TAG, NEXT_TAG = "v1.0.0", "v1.1.0"
EVERYTHING = {"patterns": PATTERNS, "microservices_compute": "fargate", "batch_container_job": True}
PROJECTS = {
    "default": {},  # SAM with the serverless API, plus the uv.lock that `make install` writes
    "sam": {"iac": "sam", **EVERYTHING},  # every pattern and every follow-up that pins something
    "cdk": {"iac": "cdk", **EVERYTHING},
}
COPIER = yaml.safe_load((ROOT / "copier.yml").read_text())
POWERTOOLS = COPIER["powertools_version"]["default"]
COLLECTOR = COPIER["otel_collector_version"]["default"]
POWERTOOLS_BRANCH = "renovate/powertools-package-and-lambda-layer"  # from the rule's groupName

GIT_IDENTITY = ["-c", "user.name=Test", "-c", "user.email=test@example.com"]

Dep = dict[str, Any]
Extracted = dict[str, list[tuple[str, Dep]]]  # project -> (package file, dep) pairs


def run(command: list[str | Path], cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    output = done.stdout + done.stderr
    assert done.returncode == 0, f"{command} exited {done.returncode}:\n{output}"
    return output


def commit_all(repository: Path) -> None:
    run(["git", "init", "-q"], repository)
    run(["git", "add", "-A"], repository)
    run(["git", *GIT_IDENTITY, "commit", "-qm", "Generated"], repository)


def installed(package: str) -> str | None:
    manifest = INSTALL / "node_modules" / package / "package.json"
    return json.loads(manifest.read_text())["version"] if manifest.exists() else None


@pytest.fixture(scope="session")
def renovate() -> None:
    """Renovate and its Node, installed once into build/renovate (gitignored) from the npm registry."""
    if any(installed(package) != version for package, version in RENOVATE.items()):
        INSTALL.mkdir(parents=True, exist_ok=True)
        npm_install = ["npm", "install", "--no-save", "--no-audit", "--no-fund", "--prefix"]
        packages = [f"{package}@{version}" for package, version in RENOVATE.items()]
        run([*npm_install, INSTALL, *packages], ROOT)
    assert run([NODE, "--version"], ROOT).strip() == f"v{RENOVATE['node']}"


def renovate_env(home: Path, **extra: str) -> dict[str, str]:
    """A clean environment (no token or RENOVATE_* setting of the caller's), behind a proxy that
    refuses every request not for the loopback."""
    return {
        "PATH": os.environ["PATH"],
        "HOME": str(home),
        "RENOVATE_BASE_DIR": str(home / "renovate"),  # its caches: one per run
        "HTTP_PROXY": "http://127.0.0.1:9",
        "HTTPS_PROXY": "http://127.0.0.1:9",
        "NO_PROXY": "127.0.0.1",
        **extra,
    }


def project_env() -> dict[str, str]:
    """pyenv_path() for the project's Python: under a pyenv shim, `uv run` pins uv's own version."""
    with mock.patch.dict(os.environ):
        os.environ.pop("PYENV_VERSION", None)
        return pyenv_path()


@pytest.fixture(scope="module")
def projects(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each project rendered once and committed (Renovate's local platform reads a git repository).

    They come from the working tree as a tagged git repository, so they record a URL in
    `_src_path`, as real projects do: Renovate's copier manager skips a local path.
    """
    template = snapshot_template(tmp_path_factory.mktemp("template"))
    commit_all(template)
    run(["git", "tag", TEMPLATE_TAG], template)
    rendered = {}
    for name, answers in PROJECTS.items():
        project = tmp_path_factory.mktemp(f"renovate-{name}") / "project"
        with fast_rendering():
            run_copy(
                f"git+file://{template}",
                project,
                data={**DEFAULTS, **answers},
                vcs_ref=TEMPLATE_TAG,
                defaults=True,
                skip_tasks=True,
                quiet=True,
            )
        if name == "default":
            run([os.environ.get("UV", "uv"), "lock", "--quiet"], project, project_env())
        commit_all(project)
        rendered[name] = project
    # A newer release for the lookups to find (git-tags reads the repository: no network).
    run(["git", *GIT_IDENTITY, "commit", "-q", "--allow-empty", "-m", "Release"], template)
    run(["git", "tag", NEXT_TAG], template)
    return rendered


def renovate_deps(project: Path, mode: str, **env: str) -> list[tuple[str, Dep]]:
    """Run Renovate on `project` (`--platform=local --dry-run=<mode>`); every dep it found, as
    (package file, dep) with the manager and the package file's lock files added to the dep."""
    home = project.parent / f"home-{mode}"
    home.mkdir()
    report = home / "report.json"
    log = run(
        [NODE, DIST / "renovate.js", "--platform=local", f"--dry-run={mode}"],
        project,
        renovate_env(
            home,
            LOG_LEVEL="debug",
            LOG_FORMAT="json",
            RENOVATE_REPORT_TYPE="file",
            RENOVATE_REPORT_PATH=str(report),
            **env,
        ),
    )
    records = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    hosts = [set(r["hosts"]) for r in records if r.get("msg") == "HTTP statistics"]
    assert hosts and hosts[0] <= {"127.0.0.1"}, f"Renovate asked other hosts: {hosts}"
    package_files = json.loads(report.read_text())["repositories"]["local"]["packageFiles"]
    return [
        (file["packageFile"], {**dep, "manager": manager, "lockFiles": file.get("lockFiles")})
        for manager, files in package_files.items()
        for file in files
        for dep in file["deps"]
    ]


@pytest.fixture(scope="module")
def extracted(renovate: None, projects: dict[str, Path]) -> Extracted:
    with ThreadPoolExecutor() as pool:  # one Node process per project, side by side
        found = pool.map(lambda project: renovate_deps(project, "extract"), projects.values())
        return dict(zip(projects, found, strict=True))


def named(found: list[tuple[str, Dep]], dep_name: str) -> list[tuple[str, Dep]]:
    return [(package_file, dep) for package_file, dep in found if dep["depName"] == dep_name]


def tracked(project: Path) -> dict[str, str]:
    """Path -> text of the files git tracks that could pin a version: not tests/ or docs/ (which
    name none), uv.lock, or renovate.json (whose patterns describe the pins)."""
    paths = run(["git", "ls-files"], project).splitlines()
    skipped = ("tests/", "docs/", "uv.lock", "renovate.json")
    return {path: (project / path).read_text() for path in paths if not path.startswith(skipped)}


def test_renovate_validates_the_configuration_as_repository_config(
    renovate: None, projects: dict[str, Path]
) -> None:
    for project in projects.values():
        # No file argument: it finds renovate.json where Renovate would and validates it as
        # repository config (a file argument would be validated as self-hosted global config).
        output = run(
            [NODE, DIST / "config-validator.js", "--strict"], project, renovate_env(project.parent)
        )
        assert "Validating renovate.json" in output and "validated successfully" in output


def test_the_validator_refuses_a_broken_configuration(renovate: None, tmp_path: Path) -> None:
    """The check above can fail: a misspelt option and one that needs a migration."""
    config = json.loads((ROOT / "template" / "renovate.json").read_text())
    config["packageRules"][0]["autoMerge"] = True
    config["customManagers"][0]["fileMatch"] = ["^Makefile$"]  # now managerFilePatterns
    (tmp_path / "renovate.json").write_text(json.dumps(config))
    done = subprocess.run(
        [NODE, DIST / "config-validator.js", "--strict"],
        cwd=tmp_path,
        env=renovate_env(tmp_path),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode != 0
    assert "autoMerge" in done.stdout + done.stderr


@pytest.mark.parametrize("name", PROJECTS)
def test_the_copier_manager_reads_the_answers_file(
    name: str, extracted: Extracted, projects: dict[str, Path]
) -> None:
    answers = yaml.safe_load((projects[name] / ".copier-answers.yml").read_text())
    from_answers = [(f, dep) for f, dep in extracted[name] if f == ".copier-answers.yml"]
    assert len(from_answers) == 1, "only the copier manager reads it (and copier alone writes it)"
    _, dep = from_answers[0]
    assert (dep["manager"], dep["datasource"]) == ("copier", "git-tags")
    assert dep["depName"] == answers["_src_path"]
    assert dep["currentValue"] == answers["_commit"] == TEMPLATE_TAG
    assert "skipReason" not in dep


@pytest.mark.parametrize("name", PROJECTS)
def test_the_powertools_pin_and_its_layer_are_extracted(
    name: str, extracted: Extracted, projects: dict[str, Path]
) -> None:
    layer_file = "infra/platform/settings.py" if name == "cdk" else "template.yaml"
    found = dict(named(extracted[name], "aws-lambda-powertools"))
    assert set(found) == {"pyproject.toml", layer_file}
    pin, layer = found["pyproject.toml"], found[layer_file]
    assert (pin["manager"], pin["datasource"], pin["currentValue"]) == (
        "pep621",
        "pypi",
        f"=={POWERTOOLS}",
    )
    assert (layer["manager"], layer["datasource"], layer["currentValue"]) == (
        "regex",
        "pypi",
        POWERTOOLS,
    )
    assert layer["packageName"] == pin["packageName"]
    # No other file names the layer: every occurrence is covered.
    files = tracked(projects[name])
    assert {path for path, text in files.items() if "/aws/service/powertools/" in text} == {
        layer_file
    }


def test_the_uv_lock_is_read_with_the_pinned_versions(extracted: Extracted) -> None:
    pep621 = [dep for _, dep in extracted["default"] if dep["manager"] == "pep621"]
    assert pep621 and all(dep["lockFiles"] == ["uv.lock"] for dep in pep621)
    locked = {dep["depName"]: dep.get("lockedVersion") for dep in pep621}
    assert locked["aws-lambda-powertools"] == POWERTOOLS
    assert all(locked[name] for name in ("boto3", "moto", "pytest", "ruff"))


@pytest.mark.parametrize("name", ["sam", "cdk"])
def test_every_collector_tag_is_extracted(
    name: str, extracted: Extracted, projects: dict[str, Path]
) -> None:
    found = named(extracted[name], "aws-observability/aws-otel-collector")
    assert {(dep["datasource"], dep["currentValue"]) for _, dep in found} == {
        ("github-releases", COLLECTOR)
    }
    # As many extractions per file as the file names the version (the tests read the Makefile's).
    naming = {path: text.count(COLLECTOR) for path, text in tracked(projects[name]).items()}
    naming = {path: count for path, count in naming.items() if count}
    assert "Makefile" in naming and len(naming) > 1, "the Makefile and the task definitions"
    assert naming == {path: [f for f, _ in found].count(path) for path, _ in found}


@pytest.mark.parametrize("name", PROJECTS)
def test_every_version_in_the_makefile_is_extracted(
    name: str, extracted: Extracted, projects: dict[str, Path]
) -> None:
    makefile = (projects[name] / "Makefile").read_text()
    versions = set(re.findall(r"(?<![\w.])v?\d+(?:\.\d+){2,}(?![\w.])", makefile))
    deps = {dep["depName"]: dep for f, dep in extracted[name] if f == "Makefile"}
    assert {dep["currentValue"] for dep in deps.values()} == versions
    cli = ("aws-cdk", "npm", "@") if name == "cdk" else ("aws-sam-cli", "pypi", "==")
    for dep_name, datasource, separator in [("checkov", "pypi", "=="), cli]:
        assert deps[dep_name]["datasource"] == datasource
        assert f"{dep_name}{separator}{deps[dep_name]['currentValue']}" in makefile


@pytest.mark.parametrize("name", PROJECTS)
def test_every_action_and_hook_is_extracted(
    name: str, extracted: Extracted, projects: dict[str, Path]
) -> None:
    workflow = (projects[name] / ".github" / "workflows" / "ci.yml").read_text()
    uses = set(re.findall(r"uses: ([\w./-]+)@(\S+)", workflow))
    actions = {
        (dep["depName"], dep["currentValue"])
        for _, dep in extracted[name]
        if dep["manager"] == "github-actions" and dep["datasource"] == "github-tags"
    }
    assert uses and actions == uses
    repos = yaml.safe_load((projects[name] / ".pre-commit-config.yaml").read_text())["repos"]
    revs = {
        (repo["repo"].removeprefix("https://github.com/"), repo["rev"])
        for repo in repos
        if "rev" in repo
    }
    hooks = {
        (dep["depName"], dep["currentValue"])
        for _, dep in extracted[name]
        if dep["manager"] == "pre-commit"
    }
    assert revs and hooks == revs


@pytest.mark.parametrize("name", PROJECTS)
def test_the_readme_explains_conflicts_without_leaving_markers(
    name: str, projects: dict[str, Path]
) -> None:
    run(["make", "conflicts"], projects[name])


def minor_after(version: str, step: int) -> str:
    major, minor, _ = version.split(".")
    return f"{major}.{int(minor) + step}.0"


class FakePypi(BaseHTTPRequestHandler):
    """PyPI's JSON API for one package, with releases as old as `releases` says."""

    releases: ClassVar[dict[str, int]] = {}  # version -> age in days
    requested: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.requested.append(self.path)
        if self.path != "/pypi/aws-lambda-powertools/json":
            self.send_error(404)
            return
        now = datetime.now(UTC)
        body = json.dumps(
            {
                "info": {"name": "aws-lambda-powertools"},
                "releases": {
                    version: [{"upload_time": (now - timedelta(days=age)).isoformat()}]
                    for version, age in self.releases.items()
                },
            }
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def looked_up(
    renovate: None, projects: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> Extracted:
    """`--dry-run=lookup` on the default (SAM) and the CDK project, for the template and Powertools
    only: PyPI is a stand-in on the loopback, the template's releases are its repository's tags."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakePypi)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    FakePypi.releases = {
        POWERTOOLS: 60,
        minor_after(POWERTOOLS, 1): 30,
        minor_after(POWERTOOLS, 2): 1,
    }
    # Self-hosted (global) config, for these runs only.
    config = tmp_path_factory.mktemp("lookup") / "global.json"
    config.write_text(
        json.dumps(
            {
                "hostRules": [{"matchHost": "127.0.0.1", "allowInternal": True}],
                "packageRules": [
                    {
                        "matchManagers": ["!copier"],
                        "matchPackageNames": ["!aws-lambda-powertools"],
                        "enabled": False,
                    },
                    {
                        "matchDatasources": ["pypi"],
                        "registryUrls": [f"http://127.0.0.1:{server.server_port}/pypi/"],
                    },
                ],
            }
        )
    )
    names = ["default", "cdk"]
    try:
        with ThreadPoolExecutor() as pool:
            found = pool.map(
                lambda name: renovate_deps(
                    projects[name], "lookup", RENOVATE_CONFIG_FILE=str(config)
                ),
                names,
            )
            return dict(zip(names, found, strict=True))
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("name", ["default", "cdk"])
def test_the_powertools_pin_and_its_layer_move_in_one_pr(name: str, looked_up: Extracted) -> None:
    """Both move to the newest release at least a week old, on the group's one branch."""
    found = named(looked_up[name], "aws-lambda-powertools")
    assert len(found) == 2
    for package_file, dep in found:
        updates = [
            (u["newVersion"], u["branchName"], u.get("pendingChecks")) for u in dep["updates"]
        ]
        assert updates == [(minor_after(POWERTOOLS, 1), POWERTOOLS_BRANCH, None)], package_file
    assert set(FakePypi.requested) == {"/pypi/aws-lambda-powertools/json"}


@pytest.mark.parametrize("name", ["default", "cdk"])
def test_a_template_release_is_proposed_at_once(name: str, looked_up: Extracted) -> None:
    """Tags carry no date: under the projects' release age they would wait for ever."""
    [dep] = [dep for _, dep in looked_up[name] if dep["manager"] == "copier"]
    assert [(u["newVersion"], u.get("pendingChecks")) for u in dep["updates"]] == [(NEXT_TAG, None)]
