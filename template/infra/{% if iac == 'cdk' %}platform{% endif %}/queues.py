"""Queues: encrypted and TLS-only, and the dead-letter queues that are the last stop of a failure.

A last stop is kept 14 days (the maximum: time to find the cause and redrive) and alarmed
as soon as anything lands in it.
"""

from dataclasses import dataclass

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.platform.checks import acknowledge, skip_cfn_lint
from infra.platform.core import PlatformCore
from infra.platform.thresholds import DEAD_LETTERS

LAST_STOP_RETENTION = Duration.days(14)
MAX_RECEIVE_COUNT = 5


@dataclass(frozen=True)
class DeadLetteredQueue:
    """A work queue and the dead-letter queue its failed messages move to."""

    queue: sqs.Queue
    dead_letters: sqs.Queue


class Queues(PlatformCore):
    def queue(
        self,
        scope: Construct,
        construct_id: str,
        *,
        retention_period: Duration | None = None,
        visibility_timeout: Duration | None = None,
        dead_letter_queue: sqs.DeadLetterQueue | None = None,
        removal_policy: RemovalPolicy | None = None,
    ) -> sqs.Queue:
        """A queue encrypted with the service key (data keys reused for 5 minutes), TLS only."""
        return sqs.Queue(
            scope,
            construct_id,
            encryption=sqs.QueueEncryption.KMS,
            encryption_master_key=self.key,
            data_key_reuse=Duration.minutes(5),
            enforce_ssl=True,
            retention_period=retention_period,
            visibility_timeout=visibility_timeout,
            dead_letter_queue=dead_letter_queue,
            removal_policy=removal_policy,
        )

    def dead_letter_queue(
        self, scope: Construct, name: str, *, alarm_description: str
    ) -> sqs.Queue:
        """`<name>DeadLetterQueue`, watched by `<name>DeadLettersAlarm`."""
        return self._last_stop(
            scope,
            f"{name}DeadLetterQueue",
            alarm_id=f"{name}DeadLettersAlarm",
            alarm_description=alarm_description,
        )

    def failure_queue(self, scope: Construct, name: str, *, alarm_description: str) -> sqs.Queue:
        """`<name>FailureQueue`: where a stream's event source mapping sends what it gave up on.

        Kept by a production-like stage: its records are the only trace of what was not processed.
        """
        failures = self._last_stop(
            scope,
            f"{name}FailureQueue",
            alarm_id=f"{name}FailuresAlarm",
            alarm_description=alarm_description,
            removal_policy=self.removal_policy,
        )
        acknowledge(
            failures,
            {
                "AwsSolutions::AwsSolutions-SQS3": "This queue is an event source mapping's on-failure destination, which cdk-nag does not recognise as a dead-letter queue.",
            },
        )
        return failures

    def dead_lettered_queue(
        self, scope: Construct, name: str, *, consumer_timeout_seconds: int, alarm_description: str
    ) -> DeadLetteredQueue:
        """`<name>Queue` for a consumer that may take `consumer_timeout_seconds`, and its dead letters.

        `alarm_description` is the dead-letter alarm's.
        """
        dead_letters = self.dead_letter_queue(scope, name, alarm_description=alarm_description)
        queue = self.queue(
            scope,
            f"{name}Queue",
            # Six times the consumer's timeout, as Lambda recommends.
            visibility_timeout=Duration.seconds(6 * consumer_timeout_seconds),
            dead_letter_queue=sqs.DeadLetterQueue(
                queue=dead_letters, max_receive_count=MAX_RECEIVE_COUNT
            ),
        )
        return DeadLetteredQueue(queue=queue, dead_letters=dead_letters)

    def _last_stop(
        self,
        scope: Construct,
        construct_id: str,
        *,
        alarm_id: str,
        alarm_description: str,
        removal_policy: RemovalPolicy | None = None,
    ) -> sqs.Queue:
        queue = self.queue(
            scope,
            construct_id,
            retention_period=LAST_STOP_RETENTION,
            removal_policy=removal_policy,
        )
        last_stop = f"This is a last stop for failures, read by people (and {alarm_id}), not by a consumer that could fail."
        acknowledge(queue, {"Serverless::Serverless-SQSRedrivePolicy": last_stop})
        skip_cfn_lint(
            queue, {"ES6000": f"ES6000 asks every queue for a redrive policy. {last_stop}"}
        )
        self.alarm(
            scope,
            alarm_id,
            description=alarm_description,
            metric=queue.metric_approximate_number_of_messages_visible(statistic="Maximum"),
            threshold=DEAD_LETTERS,
        )
        return queue
