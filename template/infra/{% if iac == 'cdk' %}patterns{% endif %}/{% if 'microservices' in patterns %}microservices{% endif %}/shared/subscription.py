"""A service reacting to another's event: rule -> inbox (dead letters, alarm) -> its function."""

from constructs import Construct

from infra.patterns.microservices.shared.table import OwnedTable
from infra.platform import Platform
from infra.platform.consumers import CONSUMER_TIMEOUT_SECONDS
from infra.platform.outputs import output, service_prefix
from infra.platform.settings import SERVICE


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
        inbox = platform.inbox(
            self,
            "Inbox",
            alarm_description=f"{event_type} events are waiting in the {service} dead-letter queue; fix the cause, then redrive (see README).",
        )
        platform.subscribe(
            self,
            f"{event_type}Rule",
            event_type=event_type,
            description=f"{event_type} version 1 to the {service} inbox queue",
            inbox=inbox,
        )
        function = platform.function(
            self,
            "Subscriber",
            handler=handler,
            description=f"{service} service subscriber to {event_type} (partial batch responses, idempotent)",
            timeout_seconds=CONSUMER_TIMEOUT_SECONDS,
            environment={
                "POWERTOOLS_SERVICE_NAME": f"{SERVICE}-{service}",
                "ITEMS_TABLE_NAME": table.table_name,
            },
        )
        table.allow(function, ["dynamodb:PutItem"])
        platform.consume_queue(function, inbox)
        output(self, f"{service_prefix(service)}InboxQueueUrl", inbox.queue.queue_url)
        output(self, f"{service_prefix(service)}InboxQueueArn", inbox.queue.queue_arn)
        output(
            self, f"{service_prefix(service)}InboxDeadLetterQueueUrl", inbox.dead_letters.queue_url
        )
        output(
            self, f"{service_prefix(service)}InboxDeadLetterQueueArn", inbox.dead_letters.queue_arn
        )
