"""Remove a deployed stage: `make destroy STAGE=<name>` runs this around the tool's delete command.

    uv run python -m infra.destroy --stage pr-12 --region eu-west-1 --production-stages "prod" \\
        -- <the tool's delete command for the stack of pr-12>

A production-like stage (one of PRODUCTION_STAGES, default `prod`) keeps its data: its tables,
buckets, log groups and keys are retained by CloudFormation. Destroying one is refused unless
CONFIRM_DESTROY_PRODUCTION names the stack exactly; even then nothing is emptied, and what the
stack retained stays behind (README.md, "Stages", says what and how to remove it).

Any other stage deletes cleanly. CloudFormation cannot delete a bucket that holds objects or an
ECR repository that holds images, so every bucket (each object version and delete marker) and
repository of the stack and its nested stacks is emptied first. If the delete still fails, say
because access logs arrived in a bucket after it was emptied, they are emptied again and the
delete is retried once.
"""

import argparse
import os
import subprocess
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import boto3
from botocore.exceptions import ClientError

from infra.stages import (
    DEFAULT_PRODUCTION_STAGES,
    is_production_like,
    production_stages,
    stack_name,
    stage_error,
)

if TYPE_CHECKING:
    from mypy_boto3_cloudformation.client import CloudFormationClient
    from mypy_boto3_ecr.client import ECRClient
    from mypy_boto3_s3.client import S3Client
    from mypy_boto3_s3.type_defs import ObjectIdentifierTypeDef

CONFIRMATION = "CONFIRM_DESTROY_PRODUCTION"
DELETE_BATCH = 1000  # DeleteObjects takes at most 1000 keys
IMAGE_BATCH = 100  # BatchDeleteImage takes at most 100 image ids


@dataclass(frozen=True, slots=True)
class Decision:
    """Whether to go ahead, and whether to empty buckets and repositories first."""

    proceed: bool
    empty: bool
    reason: str


def decide(stage: str, stack: str, production: Iterable[str], confirmation: str) -> Decision:
    """What `make destroy` may do to `stack`, the stack of `stage`."""
    if not is_production_like(stage, production):
        return Decision(True, True, f"{stage} is not a production-like stage: deleting cleanly")
    if not confirmation:
        return Decision(
            False,
            False,
            f"{stage} is a production-like stage (PRODUCTION_STAGES): its data is retained and "
            f"it is not destroyed without confirmation. To delete the stack anyway, leaving "
            f"its retained resources behind (README.md, 'Stages'), run: "
            f"make destroy STAGE={stage} {CONFIRMATION}={stack}",
        )
    if confirmation != stack:
        return Decision(
            False,
            False,
            f"{CONFIRMATION} names {confirmation!r}, not the stack {stack!r}: nothing was deleted",
        )
    return Decision(
        True,
        False,
        f"{stage} is production-like and {CONFIRMATION} names {stack}: deleting the stack; "
        "its retained resources stay",
    )


def stack_resources(cloudformation: "CloudFormationClient", stack: str) -> list[tuple[str, str]]:
    """(type, physical id) of every resource of `stack` and of its nested stacks, recursively.

    A stack that does not exist has no resources.
    """
    found: list[tuple[str, str]] = []
    try:
        pages = list(cloudformation.get_paginator("list_stack_resources").paginate(StackName=stack))
    except ClientError as error:
        if "does not exist" in str(error):
            return found
        raise
    for page in pages:
        for summary in page["StackResourceSummaries"]:
            kind, physical_id = summary["ResourceType"], summary.get("PhysicalResourceId", "")
            if not physical_id or summary["ResourceStatus"] == "DELETE_COMPLETE":
                continue
            found.append((kind, physical_id))
            if kind == "AWS::CloudFormation::Stack":
                found += stack_resources(cloudformation, physical_id)
    return found


def empty_bucket(s3: "S3Client", bucket: str, prefix: str = "") -> int:
    """Delete every object version and delete marker under `prefix`; how many were deleted.

    A bucket that no longer exists is empty.
    """
    deleted = 0
    batch: list[ObjectIdentifierTypeDef] = []
    try:
        for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket, Prefix=prefix):
            for entry in [*page.get("Versions", []), *page.get("DeleteMarkers", [])]:
                batch.append({"Key": entry["Key"], "VersionId": entry["VersionId"]})
                if len(batch) == DELETE_BATCH:
                    deleted += _delete_objects(s3, bucket, batch)
                    batch = []
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "NoSuchBucket":
            return deleted
        raise
    if batch:
        deleted += _delete_objects(s3, bucket, batch)
    return deleted


def _delete_objects(s3: "S3Client", bucket: str, batch: "list[ObjectIdentifierTypeDef]") -> int:
    response = s3.delete_objects(Bucket=bucket, Delete={"Objects": batch, "Quiet": True})
    errors = response.get("Errors", [])
    if errors:
        first = errors[0]
        raise RuntimeError(
            f"{len(errors)} object(s) of {bucket} were not deleted, e.g. {first.get('Key')}: "
            f"{first.get('Code')} {first.get('Message', '')}".strip()
        )
    return len(batch)


def empty_repository(ecr: "ECRClient", repository: str) -> int:
    """Delete every image of the ECR repository `repository`; how many were deleted."""
    deleted = 0
    try:
        for page in ecr.get_paginator("list_images").paginate(repositoryName=repository):
            images = page.get("imageIds", [])
            for start in range(0, len(images), IMAGE_BATCH):
                chunk = images[start : start + IMAGE_BATCH]
                response = ecr.batch_delete_image(repositoryName=repository, imageIds=chunk)
                failures = response.get("failures", [])
                if failures:
                    raise RuntimeError(
                        f"{len(failures)} image(s) of {repository} were not deleted: "
                        f"{failures[0].get('failureCode')} {failures[0].get('failureReason', '')}"
                    )
                deleted += len(chunk)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "RepositoryNotFoundException":
            return deleted
        raise
    return deleted


def empty_stack(
    cloudformation: "CloudFormationClient", s3: "S3Client", ecr: "ECRClient", stack: str
) -> list[str]:
    """Empty every bucket and repository of `stack`; a line per container emptied."""
    emptied: list[str] = []
    for kind, physical_id in stack_resources(cloudformation, stack):
        if kind == "AWS::S3::Bucket":
            emptied.append(f"bucket {physical_id}: {empty_bucket(s3, physical_id)} deleted")
        elif kind == "AWS::ECR::Repository":
            emptied.append(
                f"repository {physical_id}: {empty_repository(ecr, physical_id)} deleted"
            )
    return emptied


def stack_exists(cloudformation: "CloudFormationClient", stack: str) -> bool:
    try:
        cloudformation.describe_stacks(StackName=stack)
    except ClientError as error:
        if "does not exist" in str(error):
            return False
        raise
    return True


def destroy(
    cloudformation: "CloudFormationClient",
    s3: "S3Client",
    ecr: "ECRClient",
    stack: str,
    decision: Decision,
    command: Sequence[str],
) -> int:
    """Run the delete `command`, emptying the stack first when `decision` says so.

    A delete that fails after emptying is retried once, after emptying again: a bucket can
    receive objects (access logs, late writes) between the emptying and the delete.
    """
    attempts = 2 if decision.empty else 1
    returncode = 0
    for attempt in range(1, attempts + 1):
        if decision.empty:
            for line in empty_stack(cloudformation, s3, ecr, stack):
                print(f"Emptied {line}")
        returncode = subprocess.run(command, check=False).returncode  # noqa: S603 - the Makefile's
        if returncode == 0:
            break
        if attempt < attempts:
            print("The delete failed; emptying the stack's buckets and repositories again")
    return returncode


def arguments(argv: Sequence[str]) -> tuple[argparse.Namespace, list[str]]:
    """The options, and the delete command after `--`."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--stage", required=True)
    parser.add_argument("--region", required=True)
    parser.add_argument("--production-stages", default=DEFAULT_PRODUCTION_STAGES)
    if "--" not in argv or argv.index("--") == len(argv) - 1:
        parser.error("give the delete command after --")
    split = list(argv).index("--")
    return parser.parse_args(argv[:split]), list(argv[split + 1 :])


def main(argv: Sequence[str]) -> int:
    args, command = arguments(argv)
    if error := stage_error(args.stage):
        print(error)
        return 2
    stack = stack_name(args.stage)
    decision = decide(
        args.stage,
        stack,
        production_stages(args.production_stages),
        os.environ.get(CONFIRMATION, "").strip(),
    )
    print(decision.reason)
    if not decision.proceed:
        return 1
    session = boto3.Session(region_name=args.region)
    cloudformation, s3, ecr = (
        session.client("cloudformation"),
        session.client("s3"),
        session.client("ecr"),
    )
    if not stack_exists(cloudformation, stack):
        print(f"Stack {stack} does not exist in {args.region}: nothing to destroy")
        return 0
    return destroy(cloudformation, s3, ecr, stack, decision, command)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
