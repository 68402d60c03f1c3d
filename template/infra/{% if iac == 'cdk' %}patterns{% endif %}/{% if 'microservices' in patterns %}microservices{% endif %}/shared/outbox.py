"""A service's outbox relay: new items in its table's stream -> its ItemCreated on the bus.

The service only writes the item; the relay publishes it from the stream, so an item is
stored and announced together (a crash between the two cannot lose the event).
"""

import json

from aws_cdk import Acknowledgment, Duration, RemovalPolicy, Validations
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from infra.patterns.microservices.shared.table import OwnedTable
from infra.platform import SERVICE, Platform, skip_checkov

STREAM_READ = [
    "dynamodb:DescribeStream",
    "dynamodb:GetRecords",
    "dynamodb:GetShardIterator",
    "dynamodb:ListStreams",
]
# New items only; copies of other services' items (they carry an origin) are not announced.
NEW_ITEMS = {
    "eventName": ["INSERT"],
    "dynamodb": {"NewImage": {"origin": {"S": [{"exists": False}]}}},
}
STREAM_INVOKED = "Invoked by a stream event source mapping, not asynchronously; failed batches go to the mapping's on-failure queue (RelayFailureQueue)."


class Outbox(Construct):
    """`handler` publishes `event_type` for each new item of `table`, with bounded retries."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        platform: Platform,
        *,
        service: str,
        event_type: str,
        handler: str,
        table: OwnedTable,
    ) -> None:
        super().__init__(scope, construct_id)
        function = platform.function(
            self,
            "Relay",
            handler=handler,
            description=f"{service} service relay - publishes {event_type} for new items in its table's stream (the outbox)",
            environment={
                "POWERTOOLS_SERVICE_NAME": f"{SERVICE}-{service}",
                "EVENT_BUS_NAME": platform.event_bus.event_bus_name,
            },
            timeout_seconds=30,
        )
        failures = platform.queue(
            self,
            "RelayFailureQueue",
            retention_period=Duration.days(14),
            removal_policy=RemovalPolicy.RETAIN,
        )
        # A plain mapping: CDK's DynamoEventSource and SqsDestination grant wildcards
        # (dynamodb:ListStreams on *, kms:GenerateDataKey*); the statements below are scoped.
        for actions, resource in (
            (STREAM_READ, table.stream_arn),
            (["events:PutEvents"], platform.event_bus.event_bus_arn),
            (["sqs:SendMessage"], failures.queue_arn),
            (
                ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
                platform.key.key_arn,
            ),
        ):
            function.add_to_role_policy(iam.PolicyStatement(actions=actions, resources=[resource]))
        lambda_.CfnEventSourceMapping(
            self,
            "RelaySource",
            function_name=function.function_name,
            event_source_arn=table.stream_arn,
            starting_position="TRIM_HORIZON",
            batch_size=100,
            maximum_batching_window_in_seconds=1,
            parallelization_factor=1,  # items are announced in the order they were stored
            bisect_batch_on_function_error=True,
            maximum_retry_attempts=5,
            maximum_record_age_in_seconds=3600,
            function_response_types=["ReportBatchItemFailures"],
            filter_criteria=lambda_.CfnEventSourceMapping.FilterCriteriaProperty(
                filters=[
                    lambda_.CfnEventSourceMapping.FilterProperty(pattern=json.dumps(NEW_ITEMS))
                ]
            ),
            destination_config=lambda_.CfnEventSourceMapping.DestinationConfigProperty(
                on_failure=lambda_.CfnEventSourceMapping.OnFailureProperty(
                    destination=failures.queue_arn
                )
            ),
        ).node.add_dependency(function.role or function)
        Validations.of(function).acknowledge(
            Acknowledgment(id="Serverless::Serverless-LambdaDLQ", reason=STREAM_INVOKED)
        )
        skip_checkov(function, {"CKV_AWS_116": STREAM_INVOKED})
        dead_end = "This queue is the relay's on-failure destination, read by people (and its alarm), not by a consumer that could fail."
        Validations.of(failures).acknowledge(
            Acknowledgment(id="AwsSolutions::AwsSolutions-SQS3", reason=dead_end),
            Acknowledgment(id="Serverless::Serverless-SQSRedrivePolicy", reason=dead_end),
        )
        cloudwatch.Alarm(
            self,
            "RelayFailuresAlarm",
            alarm_description=f"The {service} relay gave up on new items; their {event_type} events are not published until the records in its failure queue are handled.",
            metric=failures.metric_approximate_number_of_messages_visible(
                period=Duration.minutes(1), statistic="Maximum"
            ),
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
