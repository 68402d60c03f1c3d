"""3. Generated projects run their own checks, as their owners and their CI would.

Slow: each test installs a project's dependencies (from uv's cache after the first) and
runs its `make` targets. Marked `slow`; `pytest -m "not slow"` skips them.
"""

import subprocess
from pathlib import Path

import pytest

from tests.conftest import PATTERNS, ROOT, Render, pyenv_path

pytestmark = pytest.mark.slow

# Each pattern alone, each added to the serverless API, and all of them together.
_ADDED = [pattern for pattern in PATTERNS if pattern != "serverless_api"]
COMBINATIONS = list(
    dict.fromkeys(
        tuple(combination)
        for combination in (
            ["serverless_api"],
            *([pattern] for pattern in _ADDED),
            *(["serverless_api", pattern] for pattern in _ADDED),
            PATTERNS,
        )
    )
)


def make(project: Path, *targets: str, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        ["make", *targets],
        cwd=project,
        env=env or pyenv_path(),
        capture_output=True,
        text=True,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, (
        f"make {' '.join(targets)} failed in {project}:\n{output[-6000:]}"
    )
    return output


@pytest.mark.parametrize("patterns", COMBINATIONS, ids="+".join)
@pytest.mark.parametrize("iac", ["sam", "cdk"])
def test_make_check_and_build_pass(
    render: Render, project_caches: dict[str, dict[str, str]], iac: str, patterns: tuple[str, ...]
) -> None:
    project = render(iac=iac, patterns=list(patterns))
    env = project_caches[iac]
    make(project, "install", env=env)

    output = make(project, "check", "build", env=env)

    assert " passed" in output
    assert "checkov:" in output and " 0 failed" in output
    if iac == "sam":
        assert "Build Succeeded" in output
        assert (project / ".aws-sam" / "build" / "template.yaml").is_file()
    else:
        assert (project / "cdk.out" / "orders-service.template.json").is_file()


def test_a_finding_fails_the_security_scan(render: Render) -> None:
    """The scan is a real gate: remove one written reason and `make infra` must fail."""
    project = render(iac="sam")
    template = project / "template.yaml"
    template.write_text(template.read_text().replace("- id: CKV_AWS_116", "- id: CKV_AWS_000"))
    make(project, "install")

    result = subprocess.run(
        ["make", "infra"],
        cwd=project,
        env=pyenv_path(),
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode != 0
    assert "CKV_AWS_116" in result.stdout


def test_newcomer_path_from_the_readme(tmp_path: Path) -> None:
    """README's generate command, run in a fresh clone with copier from a fresh environment."""
    clone = tmp_path / "template"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    command = next(
        line.strip()
        for line in (ROOT / "README.md").read_text().splitlines()
        if line.strip().startswith("uvx copier copy")
    )
    subprocess.run(command, shell=True, cwd=clone, env=pyenv_path(), check=True)
    project = clone.parent / "my-service"

    assert (project / ".git").is_dir(), "the copy task makes the project a git repository"
    make(project, "install")
    make(project, "check")
