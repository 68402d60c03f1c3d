"""DynamoDB tables: on-demand, encrypted with the service key, recoverable to any point in time."""

from aws_cdk import aws_dynamodb as dynamodb
from constructs import Construct

from infra.platform.core import PlatformCore
from infra.platform.monitoring import name_of


def string_key(name: str) -> dynamodb.Attribute:
    return dynamodb.Attribute(name=name, type=dynamodb.AttributeType.STRING)


class Tables(PlatformCore):
    def table(
        self,
        scope: Construct,
        construct_id: str,
        *,
        partition_key: dynamodb.Attribute,
        sort_key: dynamodb.Attribute | None = None,
        stream: dynamodb.StreamViewType | None = None,
        time_to_live_attribute: str | None = None,
    ) -> dynamodb.Table:
        """A table kept by a production-like stage (retained, deletion protection on); any other
        stage deletes it with its stack. Point-in-time recovery is on in every stage. Alarmed on
        throttled requests and system errors."""
        table = dynamodb.Table(
            scope,
            construct_id,
            partition_key=partition_key,
            sort_key=sort_key,
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            encryption=dynamodb.TableEncryption.CUSTOMER_MANAGED,
            encryption_key=self.key,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
            stream=stream,
            time_to_live_attribute=time_to_live_attribute,
            deletion_protection=self.production_like,
            removal_policy=self.removal_policy,
        )
        self.monitoring.table(table, name_of(scope, construct_id))
        return table
