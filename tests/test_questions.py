"""1. Questions: the defaults, and a clear refusal of every kind of bad answer."""

import keyword
import re
import sys
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any
from unittest import mock

import botocore
import botocore.loaders
import copier._main
import pytest
import yaml
from copier import run_copy
from jinja2 import FileSystemLoader
from jinja2.sandbox import SandboxedEnvironment

from tests.conftest import PATTERNS, ROOT, Render, fast_rendering


def test_defaults_give_a_sam_serverless_api_project(render: Render) -> None:
    project = render()
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())

    assert answers["project_slug"] == "orders-service"
    assert answers["package_name"] == "orders_service"
    assert answers["patterns"] == ["serverless_api"]
    assert answers["iac"] == "sam"
    assert answers["aws_region"] == "eu-west-1"
    assert answers["python_version"] == "3.13"
    assert answers["architecture"] == "arm64"
    assert answers["api_auth"] == "iam"
    # Derived flags are recomputed on every render, never stored as answers.
    assert "has_http_api" not in answers
    assert (project / "src" / "orders_service" / "serverless_api" / "handler.py").is_file()


MICRO: dict[str, Any] = {"patterns": ["microservices"]}
BATCH: dict[str, Any] = {"patterns": ["batch"]}
JWT: dict[str, Any] = {"api_auth": "jwt", "jwt_audience": "1example23456789"}
ISSUER = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123"

BAD_ANSWERS = [
    # Names: shape, length (the AWS names built from them), and names taken by Python or the project.
    ({"project_name": "1st service"}, "Start with a letter"),
    ({"project_name": "orders/service"}, "Start with a letter"),
    ({"project_name": "O" * 64}, "at most 63 characters"),
    ({"project_slug": "Orders_Service"}, "lowercase letters and digits separated by single dashes"),
    ({"project_slug": "orders--service"}, "single dashes"),
    ({"project_slug": "orders-service-"}, "single dashes"),
    ({"project_slug": "o" * 55}, f'has 55 characters; use at most 54, e.g. "{"o" * 54}"'),
    ({"project_slug": "o" * 55}, '"<stack>-sales-summaries" (at most 80 characters)'),
    ({"project_slug": "sthree-orders"}, 'may not start with "sthree-"'),
    ({"project_slug": "amzn-s3-demo"}, 'may not start with "amzn-s3-demo-"'),
    ({"package_name": "orders-service"}, "lowercase letters, digits and underscores"),
    ({"package_name": "9orders"}, "not starting with a digit"),
    ({"package_name": "p" * 75}, "has 75 characters; use at most 74"),
    (
        {"package_name": "lambda"},
        '"lambda" is a Python keyword; choose another name, e.g. "lambda_service"',
    ),
    ({"package_name": "type"}, '"type" is a Python keyword'),
    ({"package_name": "json"}, '"json" is a standard-library module'),
    ({"package_name": "socketserver"}, '"socketserver" is a standard-library module'),
    ({"package_name": "boto3"}, "is a module of one of the project's dependencies"),
    ({"package_name": "pytest"}, "is a module of one of the project's dependencies"),
    ({"package_name": "infra"}, '"infra" is a module of the generated project'),
    ({"description": " "}, "one non-empty sentence"),
    ({"description": "two\nlines"}, "single line"),
    ({"description": "d" * 201}, "at most 200 characters"),
    ({"author_name": ""}, "non-empty name"),
    ({"author_email": "not-an-email"}, "e-mail address"),
    ({"author_email": "a" * 243 + "@example.com"}, "at most 254 characters"),
    ({"patterns": []}, "Choose at least one pattern"),
    # Regions: not one of the AWS partitions' regions, the closest real one named.
    ({"aws_region": "europe"}, 'such as "eu-west-1" or "us-east-1"; "europe" is not a region'),
    (
        {"aws_region": "eu-west-9"},
        'Give an AWS region code such as "eu-west-1"; "eu-west-9" is not',
    ),
    ({"aws_region": "ap-southeast-9"}, 'such as "ap-southeast-1"'),
    ({"aws_region": "us-gov-north-1"}, 'such as "us-gov-east-1"'),
    ({"aws_region": "eu-west"}, 'such as "eu-west-1"'),
    ({"aws_region": "aws-global"}, '"aws-global" is not a region'),
    ({"aws_region": "EU-WEST-1"}, 'as AWS writes it: "eu-west-1", not "EU-WEST-1"'),
    ({"aws_region": "eu_west_1"}, 'as AWS writes it: "eu-west-1"'),
    ({"aws_region": "us-iso-east-1"}, '"us-iso-east-1" is in an isolated AWS partition'),
    ({"aws_region": "eusc-de-east-1"}, "in the AWS European Sovereign Cloud, which this template"),
    # Services: shape, repeats, length, names taken by Python, the project or a pattern.
    ({**MICRO, "services": "orders"}, "at least two services"),
    ({**MICRO, "services": "orders, "}, "a service name is a lowercase identifier"),
    ({**MICRO, "services": "orders, Inventory"}, '"Inventory": a service name is a lowercase'),
    ({**MICRO, "services": "orders, stock-levels"}, "a service name is a lowercase identifier"),
    ({**MICRO, "services": "orders, 2nd"}, "a service name is a lowercase identifier"),
    ({**MICRO, "services": "orders, stock__levels"}, "a service name is a lowercase identifier"),
    ({**MICRO, "services": "orders, " + "s" * 21}, f'at most 20 characters, e.g. "{"s" * 20}"'),
    ({**MICRO, "services": "orders, inventory, orders"}, "may appear once"),
    ({**MICRO, "services": "orders, event_driven"}, '"event_driven" is a pattern\'s package'),
    ({**MICRO, "services": "orders, shared"}, '"shared" is a module beside the services\' folders'),
    ({**MICRO, "services": "orders, test_contract"}, "is a module beside the services' folders"),
    ({**MICRO, "services": "orders, class"}, 'choose another service name, e.g. "class_service"'),
    ({**MICRO, "services": "orders, match"}, '"match" is a Python keyword'),
    ({**MICRO, "services": "json, orders"}, '"json" is a standard-library module'),
    ({**MICRO, "services": "orders, moto"}, "is a module of one of the project's dependencies"),
    ({**MICRO, "services": "orders, tests"}, '"tests" is a module of the generated project'),
    # JWT: API Gateway's authorizer takes an https issuer and audiences without spaces.
    ({**JWT, "jwt_issuer": "http://insecure.example.com"}, "https:// URL"),
    ({**JWT, "jwt_issuer": "https://id.example.com/" + "p" * 2030}, "at most 2048 characters"),
    ({**JWT, "jwt_issuer": ISSUER, "jwt_audience": "two words"}, "without spaces"),
    # SnapStart: Lambda refuses it where it does not offer it, at deploy time.
    ({"snap_start": True, "aws_region": "ap-east-2"}, "not offered in ap-east-2"),
    ({"snap_start": True, "aws_region": "ap-southeast-6"}, "not offered in ap-southeast-6"),
    ({"snap_start": True, "aws_region": "cn-north-1"}, "not offered in cn-north-1"),
    ({"snap_start": True, "aws_region": "us-gov-west-1"}, "answer no, or deploy to a region"),
    # Schedules: neither rate nor cron.
    ({**BATCH, "batch_schedule": "0 2 * * *"}, 'such as "cron(0 2 * * ? *)"'),
    ({**BATCH, "batch_schedule": "at(2027-01-01T02:00:00)"}, 'or "rate(value unit)"'),
    # rate(value unit): a positive whole value, a known unit, singular exactly when 1.
    ({**BATCH, "batch_schedule": "rate(0 hours)"}, "a whole number of at least 1"),
    ({**BATCH, "batch_schedule": "rate(-5 minutes)"}, "a whole number of at least 1"),
    ({**BATCH, "batch_schedule": "rate(1.5 hours)"}, "a whole number of at least 1"),
    ({**BATCH, "batch_schedule": "rate(1 week)"}, 'write "rate(1 week)" as "rate(7 days)"'),
    ({**BATCH, "batch_schedule": "rate(30 seconds)"}, "minute(s), hour(s) or day(s)"),
    (
        {**BATCH, "batch_schedule": "rate(1 hours)"},
        'singular when the value is 1: write "rate(1 hour)"',
    ),
    ({**BATCH, "batch_schedule": "rate(1 days)"}, 'write "rate(1 day)"'),
    (
        {**BATCH, "batch_schedule": "rate(5 minute)"},
        'plural when the value is more than 1: write "rate(5 minutes)"',
    ),
    # cron(...): six fields, exactly one "?" in the day fields.
    (
        {**BATCH, "batch_schedule": "cron(0 2 * * ?)"},
        'six fields, "cron(minutes hours day-of-month',
    ),
    ({**BATCH, "batch_schedule": "cron(0 2 * * ? * *)"}, '"cron(0 2 * * ? * *)" has 7'),
    (
        {**BATCH, "batch_schedule": "cron(0 2 * * * *)"},
        'One of day-of-month and day-of-week must be "?"',
    ),
    (
        {**BATCH, "batch_schedule": "cron(0 2 1 * MON *)"},
        'One of day-of-month and day-of-week must be "?"',
    ),
    (
        {**BATCH, "batch_schedule": "cron(0 2 ? * ? *)"},
        'Only one of day-of-month and day-of-week can be "?"',
    ),
    # cron(...): each field outside its range, names AWS does not know, wildcards where not allowed.
    ({**BATCH, "batch_schedule": "cron(60 2 * * ? *)"}, 'minutes is "60": minutes are 0-59'),
    ({**BATCH, "batch_schedule": "cron(0/0 2 * * ? *)"}, 'minutes is "0/0": minutes are 0-59'),
    ({**BATCH, "batch_schedule": "cron(? 2 * * ? *)"}, 'minutes is "?"'),
    ({**BATCH, "batch_schedule": "cron(0 24 * * ? *)"}, 'hours is "24": hours are 0-23'),
    ({**BATCH, "batch_schedule": "cron(0 8-25 * * ? *)"}, 'hours is "8-25": hours are 0-23'),
    ({**BATCH, "batch_schedule": "cron(0 2 0 * ? *)"}, 'day-of-month is "0": day-of-month is 1-31'),
    (
        {**BATCH, "batch_schedule": "cron(0 2 32 * ? *)"},
        'day-of-month is "32": day-of-month is 1-31',
    ),
    ({**BATCH, "batch_schedule": "cron(0 2 32W * ? *)"}, 'day-of-month is "32W"'),
    ({**BATCH, "batch_schedule": "cron(0 2 L,15 * ? *)"}, 'day-of-month is "L,15"'),
    ({**BATCH, "batch_schedule": "cron(0 2 1 0 ? *)"}, 'month is "0": month is 1-12 or JAN-DEC'),
    ({**BATCH, "batch_schedule": "cron(0 2 1 13 ? *)"}, 'month is "13": month is 1-12 or JAN-DEC'),
    ({**BATCH, "batch_schedule": "cron(0 2 1 JANUARY ? *)"}, 'month is "JANUARY"'),
    ({**BATCH, "batch_schedule": "cron(0 2 1 L ? *)"}, 'month is "L"'),
    (
        {**BATCH, "batch_schedule": "cron(0 2 ? * 0 *)"},
        'day-of-week is "0": day-of-week is 1-7 or SUN-SAT',
    ),
    (
        {**BATCH, "batch_schedule": "cron(0 2 ? * 8 *)"},
        'day-of-week is "8": day-of-week is 1-7 or SUN-SAT',
    ),
    ({**BATCH, "batch_schedule": "cron(0 2 ? * MONDAY *)"}, 'day-of-week is "MONDAY"'),
    ({**BATCH, "batch_schedule": "cron(0 2 ? * MON-FRY *)"}, 'day-of-week is "MON-FRY"'),
    ({**BATCH, "batch_schedule": "cron(0 2 ? * */2 *)"}, 'day-of-week is "*/2"'),
    ({**BATCH, "batch_schedule": "cron(0 2 ? * 2#6 *)"}, 'day-of-week is "2#6"'),
    ({**BATCH, "batch_schedule": "cron(0 2 ? * 3#1,6#3 *)"}, "n#k alone in the field"),
    ({**BATCH, "batch_schedule": "cron(0 2 ? * 2W *)"}, 'day-of-week is "2W"'),
    ({**BATCH, "batch_schedule": "cron(0 2 * * ? 1969)"}, 'year is "1969": year is 1970-2199'),
    ({**BATCH, "batch_schedule": "cron(0 2 * * ? 2200)"}, 'year is "2200": year is 1970-2199'),
]

# Answers at the edges of what AWS takes: each accepted as given.
GOOD_ANSWERS = [
    {"project_slug": "o" * 54},
    {"project_slug": "orders-service-2"},
    {"package_name": "p" * 74},
    {"package_name": "json_tools"},
    {"author_email": "a" * 242 + "@example.com"},
    {"aws_region": "us-east-1"},
    {"aws_region": "us-gov-west-1"},
    {"aws_region": "cn-north-1"},
    {"aws_region": "ap-southeast-5"},
    {"aws_region": "mx-central-1"},
    {"snap_start": True, "aws_region": "ap-southeast-5"},
    {"snap_start": False, "aws_region": "ap-east-2"},
    {**MICRO, "services": "billing, shipping, stock_levels"},
    {**MICRO, "services": f"{'s' * 20}, {'t' * 20}"},
    {**JWT, "jwt_issuer": ISSUER},
    {
        **JWT,
        "jwt_issuer": "https://login.example.com:8443/realms/orders",
        "jwt_audience": "api://orders",
    },
    {**BATCH, "batch_schedule": "rate(1 minute)"},
    {**BATCH, "batch_schedule": "rate(1 day)"},
    {**BATCH, "batch_schedule": "rate(5 minutes)"},
    {**BATCH, "batch_schedule": "rate(12 hours)"},
    {**BATCH, "batch_schedule": "cron(0/15 8-17 ? * MON-FRI *)"},
    {**BATCH, "batch_schedule": "cron(*/5 * * * ? *)"},
    {**BATCH, "batch_schedule": "cron(0 12 L * ? *)"},
    {**BATCH, "batch_schedule": "cron(0 2 15W * ? *)"},
    {**BATCH, "batch_schedule": "cron(0 9 ? * 2#1 *)"},
    {**BATCH, "batch_schedule": "cron(15 10 ? * 6L 2027-2030)"},
    {**BATCH, "batch_schedule": "cron(0 0 1 JAN,JUL ? *)"},
    {**BATCH, "batch_schedule": "cron(0 6 ? JAN-MAR SUN,SAT *)"},
    {**BATCH, "batch_schedule": "cron(59 23 31 12 ? 2199)"},
    {**BATCH, "batch_schedule": "cron(0 0 1/7 1/3 ? 1970/2)"},
]


def refusal(template: Path, destination: Path, answers: dict[str, Any]) -> str:
    """Render with `answers`; return copier's refusal after checking nothing was written."""
    with pytest.raises(ValueError, match="Validation error|Invalid choice") as refused:
        run_copy(
            str(template),
            destination,
            data={"project_name": "Orders Service", **answers},
            defaults=True,
            quiet=True,
        )
    assert not destination.exists() or not any(destination.iterdir())
    return str(refused.value)


@pytest.mark.parametrize(("answers", "hint"), BAD_ANSWERS, ids=[str(a) for a, _ in BAD_ANSWERS])
def test_bad_answer_is_refused_with_a_hint_and_writes_nothing(
    template_snapshot: Path, tmp_path: Path, answers: dict[str, Any], hint: str
) -> None:
    assert hint in refusal(template_snapshot, tmp_path / "service", answers)


@pytest.mark.parametrize("answers", GOOD_ANSWERS, ids=[str(a) for a in GOOD_ANSWERS])
def test_good_answer_is_accepted_as_given(
    template_snapshot: Path, tmp_path: Path, answers: dict[str, Any]
) -> None:
    with fast_rendering():  # pretend: the answers are checked, nothing is written
        worker = run_copy(
            str(template_snapshot),
            tmp_path / "service",
            data={"project_name": "Orders Service", **answers},
            defaults=True,
            skip_tasks=True,
            quiet=True,
            unsafe=True,
            pretend=True,
        )
    assert {name: worker.answers.user[name] for name in answers} == answers


# The answers under which each conditional question with a validator is asked.
ASKED_WITH: dict[str, dict[str, Any]] = {
    "services": MICRO,
    "batch_schedule": BATCH,
    "jwt_issuer": {"api_auth": "jwt"},
    "jwt_audience": {"api_auth": "jwt"},
    "snap_start": {"aws_region": "eu-west-1"},
}
# What a person types at the questions that have no default.
TYPED = {"jwt_issuer": ISSUER, "jwt_audience": "1example23456789"}


def questions() -> dict[str, dict[str, Any]]:
    settings = yaml.safe_load((ROOT / "copier.yml").read_text())
    return {name: value for name, value in settings.items() if not name.startswith("_")}


VALIDATED = [name for name, question in questions().items() if "validator" in question]


def prompts(template: Path, destination: Path, **data: Any) -> dict[str, Any]:
    """Copy interactively with `data` given, pressing Enter at every question asked (typing
    TYPED where there is no default); return what each question asked offered.

    Copier builds a prompt for every question (questionary skips those whose `when` is false)
    and, for a question asked, validates its default while building it: a default its own
    validator refuses raises here as it crashed `copier copy` in a terminal."""
    offered: dict[str, Any] = {}

    def prompt(structures: list[dict[str, Any]], answers: dict[str, Any]) -> dict[str, Any]:
        (structure,) = structures
        name = structure["name"]
        if not structure["when"](answers):
            return answers
        offered[name] = structure.get("default")
        if structure["type"] == "input" and "default" in structure:
            # Enter submits the text shown, which questionary validates.
            assert structure["validate"](structure["default"]) is True, name
        return {name: TYPED[name] if name in TYPED else answers[name]}

    with mock.patch.object(copier._main, "unsafe_prompt", prompt), fast_rendering():
        run_copy(
            str(template),
            destination,
            data=data,
            skip_tasks=True,
            quiet=True,
            unsafe=True,
            pretend=True,
        )
    return offered


def test_every_conditional_question_with_a_validator_says_when_it_is_asked() -> None:
    conditional = {name for name in VALIDATED if "when" in questions()[name]}
    assert conditional == set(ASKED_WITH)


@pytest.mark.parametrize("name", VALIDATED)
def test_a_validated_question_offers_a_default_its_validator_accepts(
    template_snapshot: Path, tmp_path: Path, name: str
) -> None:
    """Interactive copies validate each default while building its prompt: a refused default
    crashed `copier copy` in a terminal. A question without a default must be typed (TYPED)."""
    offered = prompts(template_snapshot, tmp_path / "service", **ASKED_WITH.get(name, {}))

    assert name in offered
    assert ("default" in questions()[name]) == (name not in TYPED)


@pytest.mark.parametrize(
    "project_name",
    ["Test", "Json Lambda", "Type", "My  Service__", "Sthree", "Amzn S3 Demo", "Long" * 15 + "Abc"],
)
def test_names_derived_from_any_valid_project_name_pass_their_validators(
    template_snapshot: Path, tmp_path: Path, project_name: str
) -> None:
    offered = prompts(template_snapshot, tmp_path / "service", project_name=project_name)

    assert offered["project_slug"] and offered["package_name"]


def test_jwt_without_an_issuer_is_refused_under_defaults(
    template_snapshot: Path, tmp_path: Path
) -> None:
    destination = tmp_path / "service"
    with pytest.raises(ValueError, match='Question "jwt_issuer" is required'):
        run_copy(
            str(template_snapshot),
            destination,
            data={"project_name": "Orders Service", "api_auth": "jwt"},
            defaults=True,
            skip_tasks=True,
            quiet=True,
            unsafe=True,
        )
    assert not destination.exists() or not any(destination.iterdir())


@cache
def partial(name: str) -> ModuleType:
    """A macro file of template/_partials/questions/, loaded as copier's validators load it."""
    environment = SandboxedEnvironment(
        loader=FileSystemLoader(ROOT),
        extensions=["jinja2_ansible_filters.AnsibleCoreFiltersExtension"],
    )
    module: ModuleType = environment.get_template(
        f"template/_partials/questions/{name}.jinja"
    ).module
    return module


ACCEPTED_PARTITIONS = {"aws", "aws-cn", "aws-us-gov"}  # see regions.jinja for the others


def botocore_regions() -> dict[str, set[str]]:
    """Each partition's regions in botocore's endpoint data (not its "*-global" endpoints)."""
    partitions = botocore.loaders.Loader().load_data("partitions")["partitions"]
    return {
        partition["id"]: {
            region
            for region in partition["regions"]
            if re.fullmatch(partition["regionRegex"], region)
        }
        for partition in partitions
    }


def test_the_regions_are_botocores_commercial_china_and_govcloud_regions() -> None:
    listed = list(partial("regions").regions)
    expected = set().union(
        *(
            regions
            for partition, regions in botocore_regions().items()
            if partition in ACCEPTED_PARTITIONS
        )
    )

    missing, extra = sorted(expected - set(listed)), sorted(set(listed) - expected)
    assert not missing and not extra, (
        f"template/_partials/questions/regions.jinja: add {missing}, remove {extra} "
        f"(botocore {botocore.__version__} lists the partitions {sorted(ACCEPTED_PARTITIONS)})"
    )
    assert listed == sorted(listed)


OTHER_REGIONS = sorted(
    region
    for partition, regions in botocore_regions().items()
    if partition not in ACCEPTED_PARTITIONS
    for region in regions
)


@pytest.mark.parametrize("region", OTHER_REGIONS)
def test_regions_of_the_other_partitions_are_refused_as_such(region: str) -> None:
    message = partial("regions").region_error(region)

    assert "which this template does not deploy to" in message
    assert 'such as "eu-west-1" or "us-gov-west-1"' in message


def test_taken_names_cover_python_and_the_patterns() -> None:
    names = partial("names")
    python = set(keyword.kwlist) | set(keyword.softkwlist)
    stdlib = {module for module in sys.stdlib_module_names if not module.startswith("_")}

    assert not python - set(names.keywords), "add them to keywords in names.jinja"
    assert not stdlib - set(names.stdlib), "add them to stdlib in names.jinja"
    assert list(names.pattern_keys) == PATTERNS


def test_taken_names_cover_what_the_generated_code_imports() -> None:
    """Every top-level module the generated code imports is the standard library's, the project's,
    or listed as a dependency in names.jinja (a package of that name would replace it)."""
    names = partial("names")
    known = (
        set(names.stdlib) | set(names.dependencies) | set(names.project_modules) | {"__future__"}
    )
    imported = set()
    for path in (ROOT / "template").rglob("*.py*"):
        for line in path.read_text().splitlines():
            if found := re.match(
                r"\s*(?:from ([a-z_]\w*)[.\w]* import |import ([a-z_]\w*)[.\w]*(?: as \w+)?$)", line
            ):
                imported.add(found[1] or found[2])
    unknown = {module for module in imported - known if not module.startswith("mypy_boto3_")}

    assert not unknown, "add them to dependencies in names.jinja"


@pytest.mark.parametrize(
    "choice",
    [
        {"iac": "terraform"},
        {"python_version": "3.9"},
        {"architecture": "sparc"},
        {"patterns": ["microservices"], "microservices_compute": "ec2"},
        {"patterns": ["data_lake"], "data_lake_access": "glue"},
    ],
)
def test_an_answer_outside_the_choices_is_refused(
    template_snapshot: Path, tmp_path: Path, choice: dict[str, str]
) -> None:
    refusal(template_snapshot, tmp_path / "service", choice)


def test_services_are_asked_only_with_microservices_and_give_one_folder_each(
    render: Render,
) -> None:
    project = render(patterns=["microservices"], services=" billing ,shipping, stock_levels")
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    package = project / "src" / "orders_service" / "microservices"

    assert answers["services"] == " billing ,shipping, stock_levels"
    assert "service_names" not in answers
    assert sorted(p.name for p in package.iterdir() if p.is_dir() and p.name != "shared") == [
        "billing",
        "shipping",
        "stock_levels",
    ]
    assert (package / "shipping" / "subscriber.py").is_file()
    assert not (package / "billing" / "subscriber.py").exists()
    assert not (package / "stock_levels" / "subscriber.py").exists()
    assert "services" not in yaml.safe_load((render().joinpath(".copier-answers.yml")).read_text())


def test_fargate_brings_the_vpc_the_containers_and_their_dependencies(render: Render) -> None:
    project = render(patterns=["microservices"], microservices_compute="fargate")
    lambda_project = render(patterns=["microservices"])
    service = project / "src" / "orders_service" / "microservices" / "orders"

    assert (
        yaml.safe_load((project / ".copier-answers.yml").read_text())["microservices_compute"]
        == "fargate"
    )
    assert (project / "Dockerfile").is_file()
    assert (service / "app.py").is_file()
    assert not (service / "handler.py").exists()
    assert "PrivateSubnetA" in (project / "template.yaml").read_text()
    assert "starlette" in (project / "pyproject.toml").read_text()
    assert not (lambda_project / "Dockerfile").exists()
    assert "PrivateSubnetA" not in (lambda_project / "template.yaml").read_text()
    assert "starlette" not in (lambda_project / "pyproject.toml").read_text()


def test_data_lake_access_is_asked_only_with_the_data_lake_and_defaults_to_iam(
    render: Render,
) -> None:
    default = yaml.safe_load(
        render(patterns=["data_lake"]).joinpath(".copier-answers.yml").read_text()
    )
    governed = render(patterns=["data_lake"], data_lake_access="lake_formation")
    without = yaml.safe_load(render(patterns=["batch"]).joinpath(".copier-answers.yml").read_text())

    assert default["data_lake_access"] == "iam"
    assert (
        yaml.safe_load((governed / ".copier-answers.yml").read_text())["data_lake_access"]
        == "lake_formation"
    )
    assert "has_lake_formation" not in default
    assert "data_lake_access" not in without


def test_snap_start_is_asked_only_where_lambda_offers_it(
    template_snapshot: Path, tmp_path: Path
) -> None:
    assert "snap_start" in prompts(template_snapshot, tmp_path / "a", aws_region="eu-west-1")
    for region in ("ap-east-2", "ap-southeast-6", "cn-north-1", "us-gov-east-1"):
        assert "snap_start" not in prompts(template_snapshot, tmp_path / region, aws_region=region)


def test_the_batch_job_is_asked_only_with_batch_and_is_off_by_default(render: Render) -> None:
    default = render(patterns=["batch"])
    chosen = render(patterns=["batch"], batch_container_job=True)
    elsewhere = render(patterns=["serverless_api"], batch_container_job=True)

    def answers(project: Path) -> dict[str, Any]:
        loaded: dict[str, Any] = yaml.safe_load((project / ".copier-answers.yml").read_text())
        return loaded

    assert answers(default)["batch_container_job"] is False
    assert not (default / "batch-job.Dockerfile").exists()
    assert answers(chosen)["batch_container_job"] is True
    assert "runs_batch_job" not in answers(chosen)
    assert (chosen / "batch-job.Dockerfile").is_file()
    assert "batch_container_job" not in answers(elsewhere)
    assert not (elsewhere / "batch-job.Dockerfile").exists()
    assert not (elsewhere / "src" / "orders_service" / "batch").exists()


class _CloudFormationLoader(yaml.SafeLoader):
    """Reads CloudFormation short-form tags as their long form: !Sub x -> {"Fn::Sub": x}."""


def _long_form(loader: yaml.SafeLoader, tag: str, node: yaml.Node) -> dict[str, Any]:
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    return {"Ref" if tag == "Ref" else f"Fn::{tag}": value}


_CloudFormationLoader.add_multi_constructor("!", _long_form)

# AWS's limit on each physical name the templates build from the stack name.
NAME_LIMITS = {
    ("AWS::Serverless::StateMachine", "Name"): 80,  # Step Functions state machine
    ("AWS::Athena::WorkGroup", "Name"): 128,
    ("AWS::ApiGatewayV2::VpcLink", "Name"): 128,
    ("AWS::Glue::SecurityConfiguration", "Name"): 255,
    ("AWS::Events::EventBus", "Name"): 256,
    ("AWS::ECS::TaskDefinition", "Family"): 255,
    ("AWS::ApplicationAutoScaling::ScalingPolicy", "PolicyName"): 256,
    ("AWS::CloudWatch::Alarm", "AlarmName"): 255,
    ("AWS::CloudWatch::Dashboard", "DashboardName"): 255,
    # ElastiCache ids carry the stage, not the whole stack name (names.jinja, cache_prefix_max).
    ("AWS::ElastiCache::ServerlessCache", "ServerlessCacheName"): 40,
    ("AWS::ElastiCache::User", "UserId"): 40,
    ("AWS::ElastiCache::User", "UserName"): 40,
    ("AWS::ElastiCache::UserGroup", "UserGroupId"): 40,
}
# A stack id's first eight characters, which ElastiCache ids end with ("${Suffix}").
STACK_ID_PART = "0" * 8


def stack_named(value: Any, stack: str, stage: str) -> str | None:
    """The name `value` gives when the stack is `stack`, if it is built from the stack name, or
    from the stage `stage` and the stack id."""
    if value == {"Ref": "AWS::StackName"}:
        return stack
    sub = value.get("Fn::Sub") if isinstance(value, dict) else None
    if isinstance(sub, str) and sub.startswith("${AWS::StackName}"):
        return sub.replace("${AWS::StackName}", stack)
    if isinstance(sub, list) and "${Stage}" in sub[0]:
        return str(sub[0]).replace("${Stage}", stage).replace("${Suffix}", STACK_ID_PART)
    return None


def test_the_longest_answers_keep_every_aws_name_within_its_limit(render: Render) -> None:
    """Slug, package and service names at their longest, the stack named "<slug>-<stage>" with
    the longest stage allowed for: every name built from them fits AWS's limits (SAM here; CDK
    builds the same names, checked below)."""
    names = partial("names")
    slug, package = "s" * names.slug_max, "p" * names.package_max
    services = ["a" * names.service_max, "b" * names.service_max]
    project = render(
        project_slug=slug,
        package_name=package,
        patterns=PATTERNS,
        services=", ".join(services),
        microservices_compute="fargate",
        batch_container_job=True,
        data_lake_access="lake_formation",
    )
    stage = "x" * names.stage_max
    stack = f"{slug}-{stage}"
    assert len(stage) == names.stage_room - 1
    root = yaml.load((project / "template.yaml").read_text(), Loader=_CloudFormationLoader)
    stacks = {"template.yaml": (stack, root)}
    for logical_id, resource in root["Resources"].items():
        if resource["Type"] == "AWS::Serverless::Application":
            nested = project / resource["Properties"]["Location"]
            # CloudFormation names a nested stack "<parent>-<logical id>-<13-character id>".
            stacks[resource["Properties"]["Location"]] = (
                f"{stack}-{logical_id}-{'X' * 13}",
                yaml.load(nested.read_text(), Loader=_CloudFormationLoader),
            )
    too_long, unknown, handlers = [], [], []
    for path, (stack_name, template) in stacks.items():
        if len(stack_name) > 128:
            too_long.append(f"{path}: stack name {stack_name} ({len(stack_name)} > 128)")
        for logical_id, resource in template["Resources"].items():
            for key, value in resource.get("Properties", {}).items():
                if key == "Handler":
                    handlers.append(value)
                if (name := stack_named(value, stack_name, stage)) is None:
                    continue
                limit = NAME_LIMITS.get((resource["Type"], key))
                if limit is None:
                    unknown.append(f"{path}: {logical_id}.{key} ({resource['Type']})")
                elif len(name) > limit:
                    too_long.append(f"{path}: {logical_id}.{key} {name} ({len(name)} > {limit})")

    assert not unknown, "add the AWS limit of these names to NAME_LIMITS"
    assert not too_long
    assert f"{package}.microservices.{services[1]}.subscriber.handler" in handlers
    assert max(len(handler) for handler in handlers) <= 128  # Lambda's Handler


def test_cdk_builds_no_name_from_the_stack_name_that_sam_does_not() -> None:
    """The limits test above reads SAM's templates: CDK's names from the stack name are the same."""
    cdk, sam = set(), set()
    for path in (ROOT / "template").rglob("*"):
        if path.is_file():
            text = path.read_text()
            cdk.update(re.findall(r'f"\{Aws\.STACK_NAME\}([^"{]*)"', text))
            sam.update(re.findall(r"\$\{AWS::StackName\}([^\"'{}$:/*\s]*)", text))

    assert cdk and cdk <= sam
