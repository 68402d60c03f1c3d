"""A table one service owns: only what that service is granted reaches it.

Its stream records every write: it is the service's outbox, which the relay publishes from.
"""

from aws_cdk import CfnOutput, RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from constructs import Construct

from infra.platform import Platform


class OwnedTable(Construct):
    """An encrypted, point-in-time recoverable table, retained when the stack goes."""

    def __init__(self, scope: Construct, construct_id: str, platform: Platform) -> None:
        super().__init__(scope, construct_id)
        self._key = platform.key
        # "Default": CDK leaves it out of the logical id, which stays that of a table created
        # directly as `construct_id` (as before this wrapper existed), so no replacement.
        self.table = dynamodb.Table(
            self,
            "Default",
            partition_key=dynamodb.Attribute(name="id", type=dynamodb.AttributeType.STRING),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            encryption=dynamodb.TableEncryption.CUSTOMER_MANAGED,
            encryption_key=platform.key,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
            removal_policy=RemovalPolicy.RETAIN,
            stream=dynamodb.StreamViewType.NEW_IMAGE,
        )
        CfnOutput(self, "TableName", value=self.table.table_name)

    @property
    def table_name(self) -> str:
        return self.table.table_name

    @property
    def stream_arn(self) -> str:
        stream_arn = self.table.table_stream_arn
        if stream_arn is None:
            raise ValueError("An owned table always has a stream")
        return stream_arn

    def allow(self, grantee: iam.IGrantable, actions: list[str]) -> None:
        """Exactly `actions` on this table (and its key); CDK's grants would add more."""
        grantee.grant_principal.add_to_principal_policy(
            iam.PolicyStatement(actions=actions, resources=[self.table.table_arn])
        )
        grantee.grant_principal.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
                resources=[self._key.key_arn],
            )
        )
