"""A service's outbox relay: new items in its table's stream -> its ItemCreated on the bus.

The service only writes the item; the relay publishes it from the stream, so an item is
stored and announced together (a crash between the two cannot lose the event).
"""

from constructs import Construct

from infra.patterns.microservices.shared.table import OwnedTable
from infra.platform import Platform
from infra.platform.settings import SERVICE

# New items only; copies of other services' items (they carry an origin) are not announced.
NEW_ITEMS = {
    "eventName": ["INSERT"],
    "dynamodb": {"NewImage": {"origin": {"S": [{"exists": False}]}}},
}


class Outbox(Construct):
    """`handler` publishes `event_type` for each new item of `table`, in order, retried a bounded time."""

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
        platform.consume_stream(
            self,
            function,
            name="Relay",
            source_id="RelaySource",
            stream_arn=table.stream_arn,
            records=NEW_ITEMS,
            permissions=[platform.publish_statement()],
            alarm_description=f"The {service} relay gave up on new items; their {event_type} events are not published until the records in its failure queue are handled.",
        )
