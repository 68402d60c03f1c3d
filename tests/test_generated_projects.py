"""3. Generated projects run their own checks, as their owners and their CI would.

Slow: each test installs a project's dependencies (into one shared environment per tool)
and runs its `make` targets. Marked `slow`; `pytest -m "not slow"` skips them.

The covering set is every pattern alone, every pair and all of them together, in both tools.
CI (`uv run pytest`) runs each pattern alone, each pattern with the serverless API, the
combinations the pattern issues promise, and all together; the remaining pairs are marked
`covering` and run with `uv run pytest -m covering`.
"""

import json
import subprocess
from collections import Counter
from itertools import combinations
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import PATTERNS, ROOT, Render, pyenv_path

pytestmark = pytest.mark.slow

Combination = tuple[str, ...]
ALONE: list[Combination] = [(pattern,) for pattern in PATTERNS]
EVERYTHING: Combination = tuple(PATTERNS)
# Named in the patterns' acceptance criteria: they must work together, so CI proves it.
PROMISED: list[Combination] = [
    combination
    for combination in (
        ("serverless_api", "event_driven", "cqrs_es"),
        ("batch", "data_lake"),
        ("event_driven", "microservices"),
        ("event_driven", "cache_aside"),
        ("microservices", "cache_aside"),
    )
    if set(combination) <= set(PATTERNS)
]
# A newcomer builds these with `make build` (sam build / cdk synth) too.
BUILT: list[Combination] = [EVERYTHING, *PROMISED]


def _ordered(combination: Combination) -> Combination:
    return tuple(sorted(combination, key=PATTERNS.index))


IN_CI = list(
    dict.fromkeys(
        _ordered(combination)
        for combination in (
            *ALONE,
            *(("serverless_api", pattern) for pattern in PATTERNS if pattern != "serverless_api"),
            *PROMISED,
            EVERYTHING,
        )
    )
)
COVERING_ONLY = [pair for pair in combinations(PATTERNS, 2) if pair not in IN_CI]
MATRIX = [
    *IN_CI,
    *(pytest.param(pair, marks=pytest.mark.covering) for pair in COVERING_ONLY),
]
# Synthesized templates by (tool, patterns), kept for the parity test.
TEMPLATES: dict[tuple[str, Combination], Path] = {}


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


@pytest.mark.parametrize("patterns", MATRIX, ids="+".join)
@pytest.mark.parametrize("iac", ["sam", "cdk"])
def test_make_check_passes(
    render: Render, project_caches: dict[str, dict[str, str]], iac: str, patterns: Combination
) -> None:
    project = render(iac=iac, patterns=list(patterns))
    env = project_caches[iac]
    make(project, "install", env=env)

    output = make(project, "check", *(["build"] if patterns in BUILT else []), env=env)

    assert " passed" in output
    assert "checkov:" in output and " 0 failed" in output
    TEMPLATES[iac, patterns] = project / "build" / "cloudformation" / "template.json"
    if patterns in BUILT and iac == "sam":
        assert "Build Succeeded" in output
        assert (project / ".aws-sam" / "build" / "template.yaml").is_file()
    elif patterns in BUILT:
        assert (project / "cdk.out" / "orders-service-dev.template.json").is_file()


# Follow-up answers that change what is generated, each checked (and built) in the tools named.
FOLLOW_UPS: list[tuple[dict[str, Any], tuple[str, ...]]] = [
    ({"patterns": ["microservices"], "microservices_compute": "fargate"}, ("sam", "cdk")),
    (
        {"patterns": ["event_driven", "microservices"], "microservices_compute": "fargate"},
        ("sam",),
    ),
    ({"patterns": ["data_lake"], "data_lake_access": "lake_formation"}, ("sam", "cdk")),
    ({"patterns": ["batch", "data_lake"], "data_lake_access": "lake_formation"}, ("sam",)),
    ({"patterns": ["batch"], "batch_container_job": True}, ("sam", "cdk")),
    (
        {
            "patterns": ["batch", "microservices"],
            "microservices_compute": "fargate",
            "batch_container_job": True,
        },
        ("cdk",),
    ),
    (
        {
            "patterns": PATTERNS,
            "microservices_compute": "fargate",
            "data_lake_access": "lake_formation",
            "batch_container_job": True,
            "snap_start": True,
        },
        ("sam", "cdk"),
    ),
]


@pytest.mark.parametrize(
    ("iac", "answers"),
    [(iac, answers) for answers, tools in FOLLOW_UPS for iac in tools],
    ids=lambda value: value if isinstance(value, str) else json.dumps(value, separators=(",", "=")),
)
def test_follow_up_answers_pass_make_check_and_build(
    render: Render, project_caches: dict[str, dict[str, str]], iac: str, answers: dict[str, Any]
) -> None:
    project = render(iac=iac, **answers)
    env = project_caches[iac]
    make(project, "install", env=env)

    output = make(project, "check", "build", env=env)

    assert " passed" in output
    assert "checkov:" in output and " 0 failed" in output
    TEMPLATES[iac, _key(answers)] = project / "build" / "cloudformation" / "template.json"


def _key(answers: dict[str, Any]) -> Combination:
    return tuple(json.dumps(answers, sort_keys=True).split())


# Resource types only one tool writes for the same design: CDK keeps each role's policy in a
# resource of its own and declares routes, integrations and stages that SAM writes into the
# API's OpenAPI body; SAM adds a deployment per API, CDK its metadata and helper functions.
TOOL_SPECIFIC = {
    "AWS::IAM::Policy",
    "AWS::CDK::Metadata",
    "AWS::ApiGatewayV2::Route",
    "AWS::ApiGatewayV2::Integration",
    "AWS::ApiGatewayV2::Authorizer",
    "AWS::ApiGatewayV2::Deployment",
    "AWS::Lambda::Permission",
}


# One SAM queue policy may cover several queues; CDK writes one per queue: compare presence.
ONE_OR_MANY = {"AWS::SQS::QueuePolicy"}


def _resource_types(template: Path) -> Counter[str]:
    resources: dict[str, Any] = json.loads(template.read_text())["Resources"]
    kinds = Counter(
        resource["Type"]
        for resource in resources.values()
        if resource["Type"] not in TOOL_SPECIFIC and not resource["Type"].startswith("Custom::")
    )
    for kind in ONE_OR_MANY & set(kinds):
        kinds[kind] = 1
    return kinds


@pytest.mark.parametrize(
    "answers",
    [
        *({"patterns": [pattern]} for pattern in PATTERNS),
        *(answers for answers, tools in FOLLOW_UPS if len(tools) == 2),
    ],
    ids=lambda answers: json.dumps(answers, separators=(",", "=")),
)
def test_sam_and_cdk_deploy_the_same_resources(
    render: Render, project_caches: dict[str, dict[str, str]], answers: dict[str, Any]
) -> None:
    """Each pattern's two infrastructures agree on what they deploy; the shared infra tests
    (run by `make check` on both) hold their security properties to the same assertions."""
    key = tuple(answers["patterns"]) if len(answers) == 1 else _key(answers)
    templates = {}
    for iac in ("sam", "cdk"):
        if (iac, key) not in TEMPLATES:  # e.g. run alone with -k: synthesize here
            project = render(iac=iac, **answers)
            make(project, "install", env=project_caches[iac])
            make(project, "synth", env=project_caches[iac])
            TEMPLATES[iac, key] = project / "build" / "cloudformation" / "template.json"
        templates[iac] = _resource_types(TEMPLATES[iac, key])

    assert templates["sam"] == templates["cdk"]


def test_a_finding_fails_the_security_scan(
    render: Render, project_caches: dict[str, dict[str, str]]
) -> None:
    """The scan is a real gate: remove one written reason and `make infra` must fail."""
    project = render(iac="sam")
    template = project / "template.yaml"
    template.write_text(template.read_text().replace("- id: CKV_AWS_116", "- id: CKV_AWS_000"))
    make(project, "install", env=project_caches["sam"])

    result = subprocess.run(
        ["make", "infra"],
        cwd=project,
        env=project_caches["sam"],
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
    copied = subprocess.run(
        command,
        shell=True,
        cwd=clone,
        env=pyenv_path(),
        capture_output=True,
        text=True,
        check=False,
    )
    project = clone.parent / "my-service"

    assert copied.returncode == 0, copied.stdout + copied.stderr
    assert "git init" in copied.stdout + copied.stderr, "the closing message gives the first commit"
    assert not (project / ".git").exists(), "copying runs nothing: no task, no trust"
    make(project, "install")
    make(project, "check")
