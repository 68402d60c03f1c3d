"""1. Questions: the defaults, and a clear refusal of every kind of bad answer."""

from pathlib import Path
from typing import Any

import pytest
import yaml
from copier import run_copy

from tests.conftest import Render


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


BAD_ANSWERS = [
    ({"project_name": "1st service"}, "Start with a letter"),
    ({"project_name": "orders/service"}, "Start with a letter"),
    ({"project_slug": "Orders_Service"}, "lowercase letters and digits separated by single dashes"),
    ({"project_slug": "orders--service"}, "single dashes"),
    ({"package_name": "orders-service"}, "lowercase letters, digits and underscores"),
    ({"package_name": "9orders"}, "not starting with a digit"),
    ({"package_name": "lambda"}, "is a Python keyword"),
    ({"package_name": "json"}, "would shadow a standard-library or dependency module"),
    ({"package_name": "boto3"}, "would shadow"),
    ({"description": " "}, "one non-empty sentence"),
    ({"description": "two\nlines"}, "single line"),
    ({"author_name": ""}, "non-empty name"),
    ({"author_email": "not-an-email"}, "e-mail address"),
    ({"patterns": []}, "Choose at least one pattern"),
    ({"aws_region": "europe"}, "AWS region code"),
    ({"patterns": ["microservices"], "services": "orders"}, "at least two services"),
    (
        {"patterns": ["microservices"], "services": "orders, "},
        "a service name is a lowercase identifier",
    ),
    (
        {"patterns": ["microservices"], "services": "orders, Inventory"},
        '"Inventory": a service name is a lowercase identifier',
    ),
    (
        {"patterns": ["microservices"], "services": "orders, stock-levels"},
        "a service name is a lowercase identifier",
    ),
    (
        {"patterns": ["microservices"], "services": "orders, 2nd"},
        "a service name is a lowercase identifier",
    ),
    (
        {"patterns": ["microservices"], "services": "orders, stock__levels"},
        "a service name is a lowercase identifier",
    ),
    ({"patterns": ["microservices"], "services": "orders, " + "a" * 21}, "at most 20 characters"),
    ({"patterns": ["microservices"], "services": "orders, inventory, orders"}, "may appear once"),
    (
        {"patterns": ["microservices"], "services": "orders, event_driven"},
        '"event_driven": the name is taken',
    ),
    ({"patterns": ["microservices"], "services": "orders, shared"}, "the name is taken"),
    (
        {"patterns": ["microservices"], "services": "orders, class"},
        'choose another, e.g. "class_service"',
    ),
    ({"patterns": ["microservices"], "services": "json, orders"}, '"json": the name is taken'),
    ({"api_auth": "jwt", "jwt_issuer": "http://insecure.example.com"}, "https:// URL"),
    (
        {"api_auth": "jwt", "jwt_issuer": "https://id.example.com", "jwt_audience": "two words"},
        "without spaces",
    ),
    ({"patterns": ["batch"], "batch_schedule": "0 2 * * *"}, 'such as "cron(0 2 * * ? *)"'),
    (
        {"patterns": ["batch"], "batch_schedule": "cron(0 2 * * * *)"},
        'with "?" in day-of-month or day-of-week',
    ),
    (
        {"patterns": ["batch"], "batch_schedule": "cron(0 2 * * ?)"},
        "EventBridge Scheduler expression",
    ),
    ({"patterns": ["batch"], "batch_schedule": "rate(0 hours)"}, 'such as "rate(6 hours)"'),
    ({"patterns": ["batch"], "batch_schedule": "rate(1 week)"}, 'such as "rate(6 hours)"'),
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
    assert sorted(path.name for path in package.iterdir() if path.is_dir()) == [
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
