"""`make destroy`: which stages it refuses, and how it empties a stage's buckets and repositories.

Buckets and repositories are emptied in moto; the stack's resources come from stubbed
CloudFormation answers. Nothing reaches AWS.
"""

import hashlib
import json
import os
import sys
from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from botocore.stub import Stubber

from infra import destroy
from infra.destroy import decide, empty_bucket, empty_repository, stack_resources
from infra.stages import PROJECT, is_production_like, production_stages, stack_name, stage_error

if TYPE_CHECKING:
    from mypy_boto3_cloudformation.client import CloudFormationClient
    from mypy_boto3_ecr.client import ECRClient
    from mypy_boto3_s3.client import S3Client

STACK = "svc-pr-7"
CREATED = datetime(2026, 11, 26, 12, 0, 0)
MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"


@pytest.mark.parametrize("stage", ["dev", "staging", "prod", "pr-1234", "a", "x1-y2"])
def test_stage_names_that_fit_the_stack_name(stage: str) -> None:
    assert stage_error(stage) is None


@pytest.mark.parametrize(
    "stage", ["", "Prod", "pr_7", "7pr", "-dev", "dev-", "pr--7", "stage-1234"]
)
def test_stage_names_that_do_not(stage: str) -> None:
    assert "not a stage name" in (stage_error(stage) or "")
    with pytest.raises(ValueError, match="not a stage name"):
        stack_name(stage)


def test_a_stages_stack_is_named_after_the_project_and_the_stage() -> None:
    assert stack_name("pr-7") == f"{PROJECT}-pr-7"


def test_production_stages_are_separated_by_spaces_or_commas() -> None:
    assert production_stages(" prod, live  eu-prod,") == {"prod", "live", "eu-prod"}
    assert is_production_like("live", production_stages("prod,live"))
    assert not is_production_like("pr-7", production_stages("prod"))


def test_other_stages_are_emptied_and_deleted() -> None:
    decision = decide("pr-7", STACK, {"prod"}, "")

    assert (decision.proceed, decision.empty) == (True, True)


def test_a_production_stage_is_refused_without_confirmation() -> None:
    decision = decide("prod", "svc-prod", {"prod"}, "")

    assert not decision.proceed
    assert "make destroy STAGE=prod CONFIRM_DESTROY_PRODUCTION=svc-prod" in decision.reason


def test_a_confirmation_naming_another_stack_is_refused() -> None:
    decision = decide("prod", "svc-prod", {"prod"}, "svc-dev")

    assert not decision.proceed
    assert "not the stack 'svc-prod'" in decision.reason


def test_a_confirmed_production_stage_is_deleted_without_emptying_anything() -> None:
    decision = decide("prod", "svc-prod", {"prod"}, "svc-prod")

    assert decision.proceed
    assert not decision.empty


def test_the_production_stages_are_configurable() -> None:
    assert not decide("live", "svc-live", {"prod", "live"}, "").proceed
    assert decide("prod", "svc-prod", {"live"}, "").empty


def test_a_refused_stage_reaches_no_aws_and_runs_no_command(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv(destroy.CONFIRMATION, raising=False)
    monkeypatch.setattr(boto3, "Session", None)  # any AWS call would fail
    command = [sys.executable, "-c", "raise SystemExit(9)"]

    assert destroy.main(["--stage", "prod", "--region", "eu-west-1", "--", *command]) == 1
    assert destroy.main(["--stage", "Prod", "--region", "eu-west-1", "--", *command]) == 2
    assert f"CONFIRM_DESTROY_PRODUCTION={PROJECT}-prod" in capsys.readouterr().out


@pytest.fixture(scope="module")
def s3(aws: None) -> "S3Client":
    return boto3.client("s3")


@pytest.fixture(scope="module")
def ecr(aws: None) -> "ECRClient":
    return boto3.client("ecr")


def versioned_bucket(s3: "S3Client", name: str) -> str:
    region = os.environ["AWS_DEFAULT_REGION"]
    if region == "us-east-1":
        s3.create_bucket(Bucket=name)
    else:
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": region})  # type: ignore[typeddict-item]
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    return name


def versions(s3: "S3Client", bucket: str) -> list[tuple[str, bool]]:
    listing = s3.list_object_versions(Bucket=bucket)
    return sorted(
        [(v["Key"], False) for v in listing.get("Versions", [])]
        + [(m["Key"], True) for m in listing.get("DeleteMarkers", [])]
    )


def test_emptying_a_bucket_deletes_every_version_and_delete_marker(
    s3: "S3Client", monkeypatch: pytest.MonkeyPatch
) -> None:
    bucket = versioned_bucket(s3, "svc-pr-7-data")
    for body in (b"one", b"two"):
        s3.put_object(Bucket=bucket, Key="a.csv", Body=body)
    s3.delete_object(Bucket=bucket, Key="a.csv")  # a delete marker on top of two versions
    s3.put_object(Bucket=bucket, Key="b.csv", Body=b"three")
    monkeypatch.setattr(destroy, "DELETE_BATCH", 2)  # several DeleteObjects calls

    assert empty_bucket(s3, bucket) == 4
    assert versions(s3, bucket) == []


def test_emptying_a_prefix_leaves_the_rest(s3: "S3Client") -> None:
    bucket = versioned_bucket(s3, "svc-pr-7-prefixed")
    for key in ("runs/1/manifest.json", "runs/1/SUCCEEDED_0.json", "input/x.csv"):
        s3.put_object(Bucket=bucket, Key=key, Body=b"{}")

    assert empty_bucket(s3, bucket, "runs/1/") == 2
    assert versions(s3, bucket) == [("input/x.csv", False)]


def test_a_bucket_that_is_gone_is_empty(s3: "S3Client") -> None:
    assert empty_bucket(s3, "svc-pr-7-never-created") == 0


def push_image(ecr: "ECRClient", repository: str, tag: str) -> None:
    digest = hashlib.sha256(tag.encode()).hexdigest()
    manifest = {"schemaVersion": 2, "mediaType": MANIFEST, "config": {"digest": f"sha256:{digest}"}}
    ecr.put_image(repositoryName=repository, imageManifest=json.dumps(manifest), imageTag=tag)


def test_emptying_a_repository_deletes_every_image(
    ecr: "ECRClient", monkeypatch: pytest.MonkeyPatch
) -> None:
    ecr.create_repository(repositoryName="svc-pr-7-report-job")
    for tag in ("a1", "b2", "c3"):
        push_image(ecr, "svc-pr-7-report-job", tag)
    monkeypatch.setattr(destroy, "IMAGE_BATCH", 2)

    assert empty_repository(ecr, "svc-pr-7-report-job") == 3
    assert ecr.list_images(repositoryName="svc-pr-7-report-job")["imageIds"] == []


def test_a_repository_that_is_gone_is_empty(ecr: "ECRClient") -> None:
    assert empty_repository(ecr, "svc-pr-7-never-created") == 0


def summary(
    logical_id: str, kind: str, physical_id: str, status: str = "CREATE_COMPLETE"
) -> dict[str, Any]:
    return {
        "LogicalResourceId": logical_id,
        "PhysicalResourceId": physical_id,
        "ResourceType": kind,
        "LastUpdatedTimestamp": CREATED,
        "ResourceStatus": status,
    }


NESTED = "arn:aws:cloudformation:eu-west-1:123456789012:stack/svc-pr-7-Orders-1ABC/guid"


@pytest.fixture
def cloudformation() -> Iterator[tuple["CloudFormationClient", Stubber]]:
    client = boto3.client("cloudformation", region_name="eu-west-1")
    with Stubber(client) as stub:
        yield client, stub
        stub.assert_no_pending_responses()


def stub_resources(stub: Stubber) -> None:
    stub.add_response(
        "list_stack_resources",
        {
            "StackResourceSummaries": [
                summary("DataBucket", "AWS::S3::Bucket", "svc-pr-7-databucket-1"),
                summary("Old", "AWS::S3::Bucket", "svc-pr-7-old", "DELETE_COMPLETE"),
                summary("Orders", "AWS::CloudFormation::Stack", NESTED),
            ]
        },
        {"StackName": STACK},
    )
    stub.add_response(
        "list_stack_resources",
        {"StackResourceSummaries": [summary("Repo", "AWS::ECR::Repository", "svc-pr-7-repo")]},
        {"StackName": NESTED},
    )


def test_the_stacks_resources_include_its_nested_stacks(
    cloudformation: tuple["CloudFormationClient", Stubber],
) -> None:
    client, stub = cloudformation
    stub_resources(stub)

    assert stack_resources(client, STACK) == [
        ("AWS::S3::Bucket", "svc-pr-7-databucket-1"),
        ("AWS::CloudFormation::Stack", NESTED),
        ("AWS::ECR::Repository", "svc-pr-7-repo"),
    ]


def test_a_stack_that_does_not_exist_has_no_resources(
    cloudformation: tuple["CloudFormationClient", Stubber],
) -> None:
    client, stub = cloudformation
    stub.add_client_error(
        "list_stack_resources", "ValidationError", f"Stack with id {STACK} does not exist"
    )

    assert stack_resources(client, STACK) == []


def test_a_failed_delete_is_retried_once_after_emptying_again(
    cloudformation: tuple["CloudFormationClient", Stubber],
    s3: "S3Client",
    ecr: "ECRClient",
    tmp_path: Any,
) -> None:
    client, stub = cloudformation
    versioned_bucket(s3, "svc-pr-7-databucket-1")
    ecr.create_repository(repositoryName="svc-pr-7-repo")
    push_image(ecr, "svc-pr-7-repo", "v1")
    s3.put_object(Bucket="svc-pr-7-databucket-1", Key="log", Body=b"x")
    stub_resources(stub)
    stub_resources(stub)
    attempts = tmp_path / "attempts"
    # Fails the first time (as a delete would on a bucket that got new objects), then succeeds.
    command = [
        sys.executable,
        "-c",
        f"import pathlib, sys; p = pathlib.Path({str(attempts)!r}); "
        "n = len(p.read_text()) if p.exists() else 0; p.write_text('x' * (n + 1)); sys.exit(n == 0)",
    ]

    returncode = destroy.destroy(
        client, s3, ecr, STACK, decide("pr-7", STACK, {"prod"}, ""), command
    )

    assert returncode == 0
    assert attempts.read_text() == "xx"
    assert versions(s3, "svc-pr-7-databucket-1") == []
    assert ecr.list_images(repositoryName="svc-pr-7-repo")["imageIds"] == []
