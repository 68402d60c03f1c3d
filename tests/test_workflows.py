"""CI with stages: the generated workflow's jobs, their order and guards, and the make targets they run.

Static: the workflow is read as YAML for each tool, and `make -n` shows the commands a target
would run for a stage, without running them.
"""

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import Render

TOOLS = ["sam", "cdk"]
GATE = "vars.AWS_DEPLOY_ROLE_ARN != ''"
# Job -> the jobs it waits for: check -> build -> (a pull request's stage and diff | staging -> production).
ORDER = {
    "check": [],
    "build": ["check"],
    "pull-request-stage": ["build"],
    "diff": ["build"],
    "staging": ["build"],
    "production": ["staging"],
}
AWS_JOBS = {"pull-request-stage", "diff", "staging", "production"}


@pytest.fixture(scope="module", params=TOOLS)
def project(request: pytest.FixtureRequest, render: Render) -> tuple[str, Path]:
    return request.param, render(iac=request.param, patterns=["serverless_api", "batch"])


def workflow(root: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((root / ".github" / "workflows" / "ci.yml").read_text())
    return loaded


def needs(job: dict[str, Any]) -> list[str]:
    value = job.get("needs", [])
    return [value] if isinstance(value, str) else list(value)


def runs(job: dict[str, Any]) -> list[str]:
    return [str(step.get("run", "")) for step in job["steps"]]


def test_the_jobs_run_in_order(project: tuple[str, Path]) -> None:
    _, root = project
    jobs = workflow(root)["jobs"]

    assert {name: needs(job) for name, job in jobs.items()} == ORDER


def test_only_the_jobs_that_touch_aws_get_an_identity_token_and_only_with_the_role_set(
    project: tuple[str, Path],
) -> None:
    _, root = project
    loaded = workflow(root)
    assert loaded["permissions"] == {"contents": "read"}
    for name, job in loaded["jobs"].items():
        token = job.get("permissions", {}).get("id-token")
        credentials = [s for s in job["steps"] if "configure-aws-credentials" in s.get("uses", "")]
        if name in AWS_JOBS:
            assert token == "write", name
            assert GATE in job["if"], f"{name} must wait for the role variable"
            assert len(credentials) == 1, name
        else:
            assert token is None, name
            assert credentials == [], name


def test_a_pull_request_deploys_tests_and_always_destroys_its_own_stage(
    project: tuple[str, Path],
) -> None:
    _, root = project
    job = workflow(root)["jobs"]["pull-request-stage"]

    assert job["env"]["STAGE"] == "pr-${{ github.event.number }}"
    assert "github.event_name == 'pull_request'" in job["if"]
    assert "head.repo.full_name == github.repository" in job["if"], "no credentials for forks"
    commands = [command.split()[:2] for command in runs(job) if command.startswith("make ")]
    assert commands[-3:] == [["make", "deploy-built"], ["make", "cloud-test"], ["make", "destroy"]]
    destroy = job["steps"][-1]
    assert destroy["if"] == "always()"
    assert job["concurrency"] == {
        "group": "stage-pr-${{ github.event.number }}",
        "cancel-in-progress": False,
    }


def test_the_diff_against_staging_is_the_pull_requests_summary(project: tuple[str, Path]) -> None:
    _, root = project
    job = workflow(root)["jobs"]["diff"]

    assert job["env"]["STAGE"] == "staging"
    assert any(
        command.startswith("make diff") and command.endswith('>> "$GITHUB_STEP_SUMMARY"')
        for command in runs(job)
    )


def test_main_promotes_staging_then_production_behind_its_environment(
    project: tuple[str, Path],
) -> None:
    _, root = project
    jobs = workflow(root)["jobs"]
    staging, production = jobs["staging"], jobs["production"]

    for job, stage, environment in (
        (staging, "staging", "staging"),
        (production, "prod", "production"),
    ):
        assert "github.ref == 'refs/heads/main'" in job["if"]
        assert job["env"]["STAGE"] == stage
        assert job["environment"] == environment
        assert job["concurrency"]["group"] == f"stage-{stage}"
        assert job["env"]["ALARM_EMAIL"] == "${{ vars.ALARM_EMAIL }}"  # who its alarms e-mail
    assert any(command.startswith("make cloud-test") for command in runs(staging))
    assert not any(command.startswith("make cloud-test") for command in runs(production))


def test_the_build_is_made_once_and_promoted(project: tuple[str, Path]) -> None:
    iac, root = project
    jobs = workflow(root)["jobs"]
    built = {"sam": ".aws-sam/build", "cdk": "build/cdk"}[iac]

    uploads = [s for s in jobs["build"]["steps"] if "upload-artifact" in s.get("uses", "")]
    assert [step["with"]["path"] for step in uploads] == [built]
    for name in AWS_JOBS:
        downloads = [s for s in jobs[name]["steps"] if "download-artifact" in s.get("uses", "")]
        assert [step["with"]["path"] for step in downloads] == [built], name
        assert not any(re.match(r"make (build|deploy)\b(?!-)", c) for c in runs(jobs[name])), name


def test_no_two_action_pins_are_adjacent(project: tuple[str, Path]) -> None:
    """Copier merges line by line: two neighbouring pins moved on both sides conflict as one."""
    _, root = project
    lines = (root / ".github" / "workflows" / "ci.yml").read_text().splitlines()
    pinned = [number for number, line in enumerate(lines) if re.search(r"\buses: \S+@", line)]

    assert pinned
    assert not [n for n in pinned if n + 1 in pinned], "put a line between two `uses:` pins"


def dry_run(root: Path, *arguments: str) -> str:
    """The commands `make` would run, without running them, each line continuation joined."""
    result = subprocess.run(
        ["make", "--dry-run", *arguments], cwd=root, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return " ".join(result.stdout.replace("\\\n", " ").split())


def test_a_stage_names_the_stack_and_reaches_each_tool(project: tuple[str, Path]) -> None:
    iac, root = project

    deploy = dry_run(root, "deploy-built", "STAGE=pr-7")
    destroy = dry_run(root, "destroy", "STAGE=pr-7")
    synth = dry_run(root, "synth", "STAGE=pr-7")

    assert "orders-service-pr-7" in deploy
    if iac == "sam":
        assert "--stack-name orders-service-pr-7" in deploy
        assert "--parameter-overrides Stage=pr-7 ProductionLike=false" in deploy
        prod = dry_run(root, "deploy-built", "STAGE=live", "PRODUCTION_STAGES=prod,live")
        assert "Stage=live ProductionLike=true" in prod
        assert "delete --stack-name orders-service-pr-7" in destroy
    else:
        assert "deploy --no-notices --app cdk.out" in deploy
        assert "destroy --no-notices --force -c stage=pr-7" in destroy
        assert "-c stage=pr-7 -c production_like=false" in dry_run(root, "build", "STAGE=pr-7")
        assert "-c production_like=true" in dry_run(root, "build", "STAGE=prod")
    assert "infra.destroy --stage pr-7" in destroy
    assert 'infra.synth --stage pr-7 --production-stages "prod"' in synth
    assert "STAGE=dev" in dry_run(root, "cloud-test"), "dev unless a stage is named"
