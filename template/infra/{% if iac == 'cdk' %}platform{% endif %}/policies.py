"""Exact IAM statements: the calls the code makes, on the resources it makes them on.

CDK's grant helpers add actions the code never calls (and wildcards the checkers flag), so
the platform and the patterns state each permission here instead.
"""

from collections.abc import Sequence
from typing import Any

from aws_cdk import Aws
from aws_cdk import aws_iam as iam

# The service key, by what its holder does with the data it protects.
KEY_READ = ["kms:Decrypt", "kms:DescribeKey"]
KEY_READ_WRITE = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"]
KEY_DATA = ["kms:Decrypt", "kms:GenerateDataKey"]  # S3 objects and queue messages
STREAM_READ = [
    "dynamodb:DescribeStream",
    "dynamodb:GetRecords",
    "dynamodb:GetShardIterator",
    "dynamodb:ListStreams",
]


def statement(
    actions: Sequence[str], *resources: str, conditions: dict[str, Any] | None = None
) -> iam.PolicyStatement:
    """Allow exactly `actions` on `resources`."""
    return iam.PolicyStatement(
        actions=list(actions), resources=list(resources), conditions=conditions
    )


def allow(grantee: iam.IGrantable, *statements: iam.PolicyStatement) -> None:
    """Add `statements` to the policy of `grantee` (a function, a role, a state machine...)."""
    for each in statements:
        grantee.grant_principal.add_to_principal_policy(each)


def service_principal(service: str) -> iam.ServicePrincipal:
    """An AWS service acting for this account only (no confused deputy)."""
    return iam.ServicePrincipal(
        service, conditions={"StringEquals": {"aws:SourceAccount": Aws.ACCOUNT_ID}}
    )
