"""A service reacting to another's event: rule -> inbox (dead letters, alarm) -> its function."""

from aws_cdk import Acknowledgment, CfnOutput, Duration, Validations
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.patterns.microservices.shared.table import OwnedTable
from infra.platform import SERVICE, Platform, skip_checkov

SUBSCRIBER_TIMEOUT_SECONDS = 30
MAX_RECEIVE_COUNT = 5
NO_FUNCTION_DLQ = "Invoked by the SQS event source mapping, which retries and then moves the message to the queue's dead-letter queue; a function DLQ applies only to asynchronous invocations."


class Subscription(Construct):
    """`service` handles `event_type` version 1 with `handler`, which writes to `table` only."""

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
        dead_letters = platform.queue(
            self,
            "InboxDeadLetterQueue",
            # The maximum: time to find the cause and redrive.
            retention_period=Duration.days(14),
        )
        inbox = platform.queue(
            self,
            "InboxQueue",
            # Six times the subscriber's timeout, as Lambda recommends.
            visibility_timeout=Duration.seconds(6 * SUBSCRIBER_TIMEOUT_SECONDS),
            dead_letter_queue=sqs.DeadLetterQueue(
                queue=dead_letters, max_receive_count=MAX_RECEIVE_COUNT
            ),
        )
        Validations.of(dead_letters).acknowledge(
            Acknowledgment(
                id="Serverless::Serverless-SQSRedrivePolicy",
                reason="This is the dead-letter queue, the last stop, watched by the InboxDeadLettersAlarm.",
            )
        )
        events.Rule(
            self,
            f"{event_type}Rule",
            description=f"{event_type} version 1 to the {service} inbox queue",
            event_bus=platform.event_bus,
            event_pattern=events.EventPattern(
                source=[SERVICE], detail_type=[event_type], detail={"version": [1]}
            ),
            targets=[
                targets.SqsQueue(
                    inbox,
                    retry_attempts=185,
                    max_event_age=Duration.hours(24),
                    # Events EventBridge could not deliver land with the subscriber's dead
                    # letters and redrive the same way.
                    dead_letter_queue=dead_letters,
                )
            ],
        )
        cloudwatch.Alarm(
            self,
            "InboxDeadLettersAlarm",
            alarm_description=f"{event_type} events are waiting in the {service} dead-letter queue; fix the cause, then redrive (see README).",
            metric=dead_letters.metric_approximate_number_of_messages_visible(
                period=Duration.minutes(1), statistic="Maximum"
            ),
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        function = platform.function(
            self,
            "Subscriber",
            handler=handler,
            description=f"{service} service subscriber to {event_type} (partial batch responses, idempotent)",
            timeout_seconds=SUBSCRIBER_TIMEOUT_SECONDS,
            environment={
                "POWERTOOLS_SERVICE_NAME": f"{SERVICE}-{service}",
                "ITEMS_TABLE_NAME": table.table_name,
            },
        )
        table.allow(function, ["dynamodb:PutItem"])
        function.add_event_source(
            sources.SqsEventSource(
                inbox,
                batch_size=10,
                max_batching_window=Duration.seconds(5),
                report_batch_item_failures=True,
            )
        )
        Validations.of(function).acknowledge(
            Acknowledgment(
                id="Serverless::Serverless-LambdaEventSourceMappingDestination",
                reason="Lambda supports on-failure destinations only for stream and Kafka sources; for SQS the queue's redrive policy sends failures to the dead-letter queue.",
            ),
            Acknowledgment(id="Serverless::Serverless-LambdaDLQ", reason=NO_FUNCTION_DLQ),
        )
        skip_checkov(function, {"CKV_AWS_116": NO_FUNCTION_DLQ})
        CfnOutput(self, "InboxQueueUrl", value=inbox.queue_url)
        CfnOutput(self, "InboxQueueArn", value=inbox.queue_arn)
        CfnOutput(self, "InboxDeadLetterQueueUrl", value=dead_letters.queue_url)
        CfnOutput(self, "InboxDeadLetterQueueArn", value=dead_letters.queue_arn)
