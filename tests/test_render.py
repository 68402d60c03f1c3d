"""2. Render matrix: every supported answer set renders a coherent, well-formed project.

Fast and static: files present or absent for the chosen tool and patterns, YAML/TOML/JSON
parse, no Jinja left behind, Python compiles, every SAM handler names a function, and ruff
(lint and format) passes under the project's own settings. First a matrix of answers, then every non-empty subset
of the patterns in both tools. (Handlers in CDK code are resolved by each generated
project's own infrastructure tests, on the synthesized template.)
"""

import ast
import json
import re
import subprocess
import sys
import tomllib
from itertools import combinations
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import PATTERNS, REGISTRY, ROOT, Render, files_of, render_into

JWT = {"api_auth": "jwt", "jwt_issuer": "https://id.example.com/pool", "jwt_audience": "client-1"}
CASES: list[dict[str, Any]] = [
    {"iac": iac, **extra}
    for iac in ("sam", "cdk")
    for extra in (
        {},
        JWT,
        {"api_auth": "none"},
        {"python_version": "3.12", "architecture": "x86_64"},
        {"python_version": "3.14"},
        # Each pattern subset with the default answers: see every_combination below.
        {"patterns": ["microservices"], "microservices_compute": "fargate"},
        {
            "patterns": PATTERNS,
            "microservices_compute": "fargate",
            "api_auth": "none",
            "batch_container_job": True,
        },
        {"patterns": ["batch", "data_lake"], "batch_schedule": "rate(6 hours)"},
        {"patterns": ["batch"], "batch_container_job": True, "architecture": "x86_64"},
        {"patterns": ["data_lake"], "data_lake_access": "lake_formation"},
    )
]
SUBSETS = [
    list(subset) for size in range(1, len(PATTERNS) + 1) for subset in combinations(PATTERNS, size)
]
LEFTOVER_JINJA = re.compile(r"(?<!\$)\{\{|\{%|%\}|\.jinja\b")


class _CloudFormationLoader(yaml.SafeLoader):
    """Reads CloudFormation short-form tags (!Ref, !Sub, ...) as plain values."""


_CloudFormationLoader.add_multi_constructor("!", lambda loader, suffix, node: None)


def problems_in(root: Path) -> list[str]:
    """What is statically wrong with a rendered project; empty when nothing is."""
    problems = []
    for path in files_of(root):
        relative = path.relative_to(root)
        if LEFTOVER_JINJA.search(path.name):
            problems.append(f"{relative}: Jinja in the file name")
        text = path.read_text()
        if match := LEFTOVER_JINJA.search(text):
            problems.append(f"{relative}: leftover Jinja {match.group()!r}")
        try:
            if path.suffix in {".yml", ".yaml"}:
                yaml.load(text, Loader=_CloudFormationLoader)
            elif path.suffix == ".toml":
                tomllib.loads(text)
            elif path.suffix == ".json":
                json.loads(text)
            elif path.suffix == ".py":
                compile(text, str(path), "exec")
        except (
            yaml.YAMLError,
            tomllib.TOMLDecodeError,
            json.JSONDecodeError,
            SyntaxError,
        ) as error:
            problems.append(f"{relative}: {error}")
    return problems + _unresolved_sam_handlers(root)


def _unresolved_sam_handlers(root: Path) -> list[str]:
    """Handlers of template.yaml and of its nested applications' templates (infra/*/*/)."""
    if not (root / "template.yaml").is_file():
        return []
    unresolved = []
    templates = [root / "template.yaml", *sorted(root.glob("infra/*/*/template.yaml"))]
    resources = {
        f"{template.relative_to(root)}:{logical_id}": resource
        for template in templates
        for logical_id, resource in yaml.load(template.read_text(), Loader=_CloudFormationLoader)[
            "Resources"
        ].items()
    }
    for logical_id, resource in resources.items():
        handler = (resource.get("Properties") or {}).get("Handler")
        if resource["Type"] != "AWS::Serverless::Function" or handler is None:
            continue
        module, _, name = handler.rpartition(".")
        source = root / "src" / Path(*module.split(".")).with_suffix(".py")
        functions = (
            {
                node.name
                for node in ast.parse(source.read_text()).body
                if isinstance(node, ast.FunctionDef)
            }
            if source.is_file()
            else set()
        )
        if name not in functions:
            unresolved.append(f"{logical_id}: handler {handler} names no function under src/")
    return unresolved


def cdk_module(pattern: str) -> str:
    """A pattern's CDK construct: a module, or a package when it has a module per service."""
    if pattern == "microservices":
        return "infra/patterns/microservices/__init__.py"
    return f"infra/patterns/{pattern}.py"


def infrastructure(root: Path, iac: str) -> str:
    """The shared infrastructure's text: SAM's template, or every module of the CDK platform."""
    if iac == "sam":
        return (root / "template.yaml").read_text()
    return "\n".join(path.read_text() for path in sorted((root / "infra/platform").glob("*.py")))


def _services(root: Path) -> list[str]:
    answers = yaml.safe_load((root / ".copier-answers.yml").read_text())
    return [name.strip() for name in answers["services"].split(",")]


def misplaced_files(root: Path, iac: str, patterns: list[str]) -> list[str]:
    """Files the chosen tool and patterns need but lack, or that other choices would bring."""
    present = {str(p.relative_to(root)) for p in files_of(root)}
    wanted = {"Makefile", "README.md", ".github/workflows/ci.yml", "infra/synth.py"}
    wanted.add(f"docs/adr/0002-infrastructure-as-code-{iac}.md")
    services = _services(root) if "microservices" in patterns else []
    tool_files = {
        "sam": {"template.yaml", "samconfig.toml"}
        | {f"infra/microservices/{service}/template.yaml" for service in services},
        "cdk": {"app.py", "cdk.json", "infra/stack.py", "infra/platform/__init__.py"}
        | {cdk_module(pattern) for pattern in patterns}
        | {f"infra/patterns/microservices/{service}.py" for service in services},
    }
    other = "cdk" if iac == "sam" else "sam"
    misplaced = [f"missing {path}" for path in sorted((wanted | tool_files[iac]) - present)]
    misplaced += [f"{other} file {path}" for path in sorted(tool_files[other] & present)]
    for pattern in sorted(set(PATTERNS) - set(patterns)):
        misplaced += [
            f"{pattern} file {path}"
            for path in sorted(present)
            if pattern in path.replace("-", "_")
        ]
    return misplaced


def ruff_failures(folder: Path) -> str:
    """ruff's lint and format complaints under `folder` (each project's settings apply); empty if none."""
    failures = ""
    for command in (["check", "--no-cache", "."], ["format", "--no-cache", "--check", "."]):
        result = subprocess.run(
            [sys.executable, "-m", "ruff", *command],
            cwd=folder,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            failures += result.stdout[-6000:] + result.stderr
    return failures


def _case_id(case: dict[str, Any]) -> str:
    return "-".join(
        "+".join(v) if isinstance(v, list) else str(v)
        for k, v in case.items()
        if not k.startswith("jwt_")
    )


@pytest.fixture(scope="module", params=CASES, ids=_case_id)
def project(request: pytest.FixtureRequest, render: Render) -> tuple[dict[str, Any], Path]:
    return request.param, render(**request.param)


def test_files_follow_the_chosen_tool(project: tuple[dict[str, Any], Path]) -> None:
    case, root = project
    assert misplaced_files(root, case["iac"], case.get("patterns", ["serverless_api"])) == []


def test_project_is_well_formed(project: tuple[dict[str, Any], Path]) -> None:
    _, root = project
    assert problems_in(root) == []


def test_ruff_passes_with_the_projects_settings(project: tuple[dict[str, Any], Path]) -> None:
    _, root = project
    assert ruff_failures(root) == ""


def test_answers_shape_the_infrastructure(project: tuple[dict[str, Any], Path]) -> None:
    case, root = project
    version = case.get("python_version", "3.13")
    architecture = case.get("architecture", "arm64")
    infra = infrastructure(root, case["iac"])
    assert f"python{version}" in infra
    assert f"/aws/service/powertools/python/{architecture}/python{version}/" in infra
    checkov = (root / ".checkov.yaml").read_text()
    assert ("CKV_AWS_309" in checkov) == (case.get("api_auth") == "none")


def test_every_pattern_has_its_folder_in_every_layer(render: Render) -> None:
    for iac in ("sam", "cdk"):
        root = render(patterns=PATTERNS, iac=iac)
        package = root / "src" / "orders_service"
        for pattern in PATTERNS:
            # Microservices has one folder per service (see test_microservices_has_a_folder_per_service).
            code = package / pattern / ("orders" if pattern == "microservices" else "")
            assert (code / "handler.py").is_file()
            assert (root / "events" / pattern).is_dir()
            assert (root / "tests" / "unit" / pattern).is_dir()
            assert (root / "tests" / "infra" / f"test_{pattern}.py").is_file()
            assert (root / "tests" / "cloud" / f"test_{pattern}.py").is_file()
            assert (root / "docs" / "adr" / REGISTRY[pattern]["adr"]).is_file()
            if iac == "cdk":
                construct = f"class {REGISTRY[pattern]['cdk_class']}("
                assert construct in (root / cdk_module(pattern)).read_text()


def test_the_maintainers_map_names_every_pattern_and_its_template_files_exist() -> None:
    """MAINTAINING.md walks a pattern through every place it lives: each registry key is in the
    map, and the map's per-pattern template files exist for each key."""
    maintaining = (ROOT / "MAINTAINING.md").read_text()
    template = ROOT / "template"
    for pattern, facts in REGISTRY.items():
        chosen = f"{{% if '{pattern}' in patterns %}}"
        assert f"`{pattern}`" in maintaining, f"MAINTAINING.md does not name {pattern}"
        assert (template / "_partials" / "sam" / pattern / "resources.yaml.jinja").is_file()
        assert (template / "_partials" / "diagram" / f"{pattern}.mmd.jinja").is_file()
        assert (
            template / "src" / "{{ package_name }}" / f"{chosen}{pattern}{{% endif %}}"
        ).is_dir()
        assert (template / "tests" / "unit" / f"{chosen}{pattern}{{% endif %}}").is_dir()
        cloud = template / "tests" / "cloud" / f"{chosen}test_{pattern}.py{{% endif %}}"
        assert cloud.is_file() or cloud.with_name(cloud.name + ".jinja").is_file()
        assert (template / "events" / f"{chosen}{pattern}{{% endif %}}").is_dir()
        assert (template / "docs" / "adr" / f"{chosen}{facts['adr']}{{% endif %}}.jinja").is_file()


def test_no_rendered_template_body_is_a_knot_of_conditions() -> None:
    """DECISIONS.md D1: no body holds more than 20 `{%`. That is every file under template/ that
    renders into the project or that one includes or imports from template/_partials/; what
    differs by tool, auth mode or capability goes to a partial chosen by name. Exempt:
    template/_partials/questions/, which holds the lists and limits copier.yml's validators import
    (validator logic that checks the answers), not generated text."""
    limit = 20
    questions = ROOT / "template" / "_partials" / "questions"
    counts = {
        str(path.relative_to(ROOT)): path.read_text().count("{%")
        for path in sorted((ROOT / "template").rglob("*"))
        if path.is_file() and questions not in path.parents
    }
    knots = [f"{path}: {count}" for path, count in counts.items() if count > limit]

    assert not knots, f"more than {limit} `{{%` (move a part into a partial chosen by name):\n" + (
        "\n".join(knots)
    )


@pytest.mark.parametrize("iac", ["sam", "cdk"])
def test_microservices_has_a_folder_per_service_in_every_layer(render: Render, iac: str) -> None:
    # Enough long names that the lists of them in Python must wrap (ruff format checks the wrap).
    services = ["billing", "shipping", "audit", "stock_levels_service", "returns_and_refunds"]
    services.append("shipping_and_returns")
    root = render(patterns=["microservices"], iac=iac, services=", ".join(services))

    for layer in (
        "src/orders_service/microservices",
        "tests/unit/microservices",
        "events/microservices",
    ):
        folders = sorted(path.name for path in (root / layer).iterdir() if path.is_dir())
        # Code and tests also hold what every service shares, once.
        shared = [] if layer.startswith("events") else ["shared"]
        assert folders == sorted(services + shared), layer
    package = root / "src" / "orders_service" / "microservices"
    assert [path.parent.name for path in package.glob("*/subscriber.py")] == ["shipping"]
    # The infra layer: a nested application (SAM) or a module (CDK) per service.
    if iac == "sam":
        nested = sorted((root / "infra" / "microservices").iterdir())
        assert [path.name for path in nested] == sorted(services)
        template = (root / "template.yaml").read_text()
        for service in services:
            assert f"Location: infra/microservices/{service}/template.yaml" in template
            text = (root / "infra" / "microservices" / service / "template.yaml").read_text()
            assert f"RouteKey: POST /{service}/items" in text
            assert f"orders_service.microservices.{service}.handler.handler" in text
            assert ("subscriber.handler" in text) == (service == "shipping")
    else:
        modules = root / "infra" / "patterns" / "microservices"
        assert sorted(path.stem for path in modules.glob("*.py")) == ["__init__", *sorted(services)]
        construct = (modules / "__init__.py").read_text()
        for service in services:
            text = (modules / f"{service}.py").read_text()
            assert f'NAME = "{service}"' in text
            assert ("SUBSCRIPTIONS = [(billing.ITEM_CREATED" in text) == (service == "shipping")
            title = service.title().replace("_", "")
            assert f'{service}.Service(self, "{title}", platform, hosting)' in construct
    assert ruff_failures(root) == ""


@pytest.fixture(scope="module")
def every_combination(
    template_snapshot: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    """Every non-empty subset of the patterns, in both tools, side by side in one folder."""
    folder = tmp_path_factory.mktemp("every-combination")
    return {
        name: render_into(template_snapshot, folder / name, iac=iac, patterns=subset)
        for iac in ("sam", "cdk")
        for subset in SUBSETS
        if (name := f"{iac}-{'+'.join(subset)}")
    }


def test_every_combination_renders_a_well_formed_project(
    every_combination: dict[str, Path],
) -> None:
    assert len(every_combination) == 2 * (2 ** len(PATTERNS) - 1)
    problems = {
        name: found
        for name, root in every_combination.items()
        if (found := problems_in(root) + misplaced_files(root, *_answers_of(name)))
    }
    assert problems == {}


def _answers_of(name: str) -> tuple[str, list[str]]:
    iac, _, patterns = name.partition("-")
    return iac, patterns.split("+")


def test_ruff_passes_on_every_combination(every_combination: dict[str, Path]) -> None:
    folder = next(iter(every_combination.values())).parent  # one run over every project
    assert ruff_failures(folder) == ""


@pytest.mark.parametrize("iac", ["sam", "cdk"])
def test_the_batch_schedule_and_the_lake_reach_the_infrastructure(render: Render, iac: str) -> None:
    alone = render(patterns=["batch"], iac=iac, batch_schedule="rate(6 hours)")
    both = render(patterns=["batch", "data_lake"], iac=iac)
    infra = "template.yaml" if iac == "sam" else "infra/patterns/batch.py"

    assert "rate(6 hours)" in (alone / infra).read_text()
    assert "cron(0 2 * * ? *)" in (both / infra).read_text()
    assert "sales_summaries" not in (alone / infra).read_text()
    assert "sales_summaries" in (both / infra).read_text()
    assert (alone / "statemachines" / "batch.asl.json").is_file()
    assert not (alone / "src" / "orders_service" / "shared" / "events.py").exists()
    assert (both / "src" / "orders_service" / "shared" / "objects.py").is_file()


@pytest.mark.parametrize("iac", ["sam", "cdk"])
def test_only_cache_aside_brings_the_vpc_and_a_server_for_ci(render: Render, iac: str) -> None:
    for patterns, cached in ((["cache_aside"], True), (["serverless_api", "event_driven"], False)):
        root = render(patterns=patterns, iac=iac)
        infra = infrastructure(root, iac)
        runtime = tomllib.loads((root / "pyproject.toml").read_text())["project"]["dependencies"]

        assert (("AWS::EC2::VPC" if iac == "sam" else "ec2.Vpc(") in infra) == cached
        # The cache client is the project's own: functions ship no dependency beyond Powertools.
        assert [dependency.partition("[")[0] for dependency in runtime] == ["aws-lambda-powertools"]
        workflow = (root / ".github" / "workflows" / "ci.yml").read_text()
        assert ("install -y redis-server" in workflow) == cached
        assert (root / "tests" / "valkey_server.py").is_file() == cached
        assert (root / "src" / "orders_service" / "shared" / "valkey.py").is_file() == cached


@pytest.mark.parametrize("iac", ["sam", "cdk"])
def test_lake_formation_governs_the_curated_table_only_when_asked(render: Render, iac: str) -> None:
    governed = render(patterns=["data_lake"], iac=iac, data_lake_access="lake_formation")
    default = render(patterns=["data_lake"], iac=iac)
    infra = "template.yaml" if iac == "sam" else "infra/patterns/data_lake.py"
    governance_tests = Path("tests", "infra", "test_data_lake_governance.py")
    adr = Path("docs", "adr", "0007-data-lake.md")

    assert (governed / governance_tests).is_file()
    assert not (default / governance_tests).exists()
    if iac == "sam":
        assert "AWS::LakeFormation::PrincipalPermissions" in (governed / infra).read_text()
        assert "AWS::LakeFormation" not in (default / infra).read_text()
    else:
        assert "LAKE_FORMATION = True" in (governed / infra).read_text()
        assert "LAKE_FORMATION = False" in (default / infra).read_text()
    assert "test_governance_is_iam_only" in (default / "tests/infra/test_data_lake.py").read_text()
    assert (
        "test_governance_is_iam_only"
        not in (governed / "tests/infra/test_data_lake.py").read_text()
    )
    assert "Lake Formation administrator" in (governed / adr).read_text()
    assert "AnalystRoleArn" in (governed / "README.md").read_text()
    assert "AnalystRoleArn" not in (default / "README.md").read_text()


JOB_FILES = [
    "batch-job.Dockerfile",
    ".dockerignore",
    "statemachines/batch_with_report.asl.json",
    "src/orders_service/batch/job.py",
    "src/orders_service/batch/report.py",
    "src/orders_service/batch/storage.py",
    "tests/unit/batch/test_job.py",
    "tests/unit/batch/test_report.py",
    "tests/unit/batch/test_run_report.py",
    "tests/infra/test_batch_job.py",
]


@pytest.mark.parametrize("iac", ["sam", "cdk"])
def test_the_batch_job_brings_its_image_its_aws_batch_resources_and_the_vpc(
    render: Render, iac: str
) -> None:
    with_job = render(patterns=["batch"], iac=iac, batch_container_job=True)
    without = render(patterns=["batch"], iac=iac)
    job_infra = "template.yaml" if iac == "sam" else "infra/patterns/batch_job.py"

    assert [path for path in JOB_FILES if not (with_job / path).is_file()] == []
    assert [path for path in JOB_FILES if (without / path).exists()] == []
    assert not (with_job / "statemachines" / "batch.asl.json").exists()
    assert (without / "statemachines" / "batch.asl.json").is_file()
    assert not (with_job / "Dockerfile").exists(), "the services' Dockerfile is not the job's"
    assert "FARGATE" in (with_job / job_infra).read_text()
    assert (iac == "cdk") == (with_job / "infra" / "patterns" / "batch_job.py").is_file()
    assert (
        "Batch::"
        not in (
            without / ("template.yaml" if iac == "sam" else "infra/patterns/batch.py")
        ).read_text()
    )
    for root, job in ((with_job, True), (without, False)):
        infra = infrastructure(root, iac)
        assert ("AWS::EC2::VPC" in infra or "ec2.Vpc(" in infra) == job
        assert ("EcrDockerEndpoint" in infra) == job
        assert "EventsEndpoint" not in infra, "the job publishes no events"
        assert ("batch-image:" in (root / "Makefile").read_text()) == job
        groups = tomllib.loads((root / "pyproject.toml").read_text())["dependency-groups"]
        assert ("batch-job" in groups) == job


def test_both_state_machine_definitions_share_the_distributed_map() -> None:
    """The job variant only adds the report task after the Map; the Map itself must not drift."""
    folder = ROOT / "template" / "{% if 'batch' in patterns %}statemachines{% endif %}"
    plain = json.loads(
        (folder / "{% if not runs_batch_job %}batch.asl.json{% endif %}").read_text()
    )
    with_job = json.loads(
        (folder / "{% if runs_batch_job %}batch_with_report.asl.json{% endif %}").read_text()
    )
    plain_map, job_map = (
        plain["States"]["SummariseSalesFiles"],
        with_job["States"]["SummariseSalesFiles"],
    )

    assert {**job_map, "Next": None, "ResultPath": None} == {
        **plain_map,
        "Next": None,
        "ResultPath": None,
    }
    assert plain_map["Next"] == "RunSucceeded"
    assert (
        with_job["States"][job_map["Next"]]["Resource"] == "arn:aws:states:::batch:submitJob.sync"
    )
    assert set(with_job["States"]) - set(plain["States"]) == {job_map["Next"]}


def test_services_on_fargate_and_the_batch_job_share_one_set_of_endpoints(render: Render) -> None:
    root = render(
        patterns=["batch", "microservices"],
        microservices_compute="fargate",
        batch_container_job=True,
    )
    template = yaml.load((root / "template.yaml").read_text(), Loader=_CloudFormationLoader)
    endpoints = [
        name
        for name, resource in template["Resources"].items()
        if resource["Type"] == "AWS::EC2::VPCEndpoint"
    ]

    assert sorted(endpoints) == [
        "DynamoDbEndpoint",
        "EcrApiEndpoint",
        "EcrDockerEndpoint",
        "EventsEndpoint",
        "LogsEndpoint",
        "S3Endpoint",
        "XRayEndpoint",
    ]


@pytest.mark.parametrize("compute", ["lambda", "fargate"])
def test_only_services_on_fargate_get_the_telemetry_module_and_its_dependencies(
    render: Render, compute: str
) -> None:
    root = render(patterns=["microservices"], microservices_compute=compute)

    on_fargate = compute == "fargate"
    assert bool(list(root.glob("src/*/shared/telemetry.py"))) == on_fargate
    assert ("opentelemetry-sdk" in (root / "pyproject.toml").read_text()) == on_fargate
    assert ("otel-collector" in (root / "Makefile").read_text()) == on_fargate


def test_sam_and_cdk_give_the_trace_collector_the_same_configuration(render: Render) -> None:
    sam = render(patterns=["microservices"], microservices_compute="fargate", iac="sam")
    cdk = render(patterns=["microservices"], microservices_compute="fargate", iac="cdk")
    nested = yaml.load(
        (sam / "infra" / "microservices" / "orders" / "template.yaml").read_text(),
        Loader=_CloudFormationLoader,
    )
    [collector] = [
        container
        for container in nested["Resources"]["Task"]["Properties"]["ContainerDefinitions"]
        if container["Name"] == "Collector"
    ]
    [variable] = collector["Environment"]
    hosting = (cdk / "infra/patterns/microservices/shared/hosting.py").read_text()
    constant = re.search(r'COLLECTOR_CONFIG = """\\\n(.*?)"""', hosting, re.DOTALL)

    assert variable["Name"] == "AOT_CONFIG_CONTENT"
    assert constant is not None
    config = yaml.safe_load(variable["Value"])
    assert config == yaml.safe_load(constant.group(1))
    assert config["receivers"]["otlp"]["protocols"] == {"http": {"endpoint": "127.0.0.1:4318"}}
    assert config["service"]["pipelines"]["traces"]["exporters"] == ["awsxray"]
