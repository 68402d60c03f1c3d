"""What every service is made of: its own table, a server for its routes, its outbox relay, and
the subscriptions it adds to other services' events."""

from constructs import Construct

from infra.patterns.microservices.shared.hosting import Hosting
from infra.patterns.microservices.shared.outbox import Outbox
from infra.patterns.microservices.shared.server import PACKAGE, title
from infra.patterns.microservices.shared.subscription import Subscription
from infra.patterns.microservices.shared.table import OwnedTable
from infra.platform import Platform


class OwnedService(Construct):
    """`name`'s table, its server (`hosting` decides what runs it) and the relay publishing `item_created`.

    The service's own module grants the server its calls on the table, declares its routes and
    subscribes to other services' events (`subscribe`).
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        platform: Platform,
        hosting: Hosting,
        *,
        name: str,
        item_created: str,
    ) -> None:
        super().__init__(scope, construct_id)
        self._platform = platform
        self._name = name
        platform.monitoring.subsection(f"{title(name)} service")
        self.table = OwnedTable(self, "Table", platform, service=name)
        self.server = hosting.serve(
            self, name, environment={"ITEMS_TABLE_NAME": self.table.table_name}
        )
        Outbox(
            self,
            "Outbox",
            platform,
            service=name,
            event_type=item_created,
            handler=f"{PACKAGE}.{name}.relay.handler",
            table=self.table,
        )

    def subscribe(self, event_type: str, handler: str) -> None:
        """Handle another service's `event_type` with `handler`, through an inbox of this service."""
        Subscription(
            self,
            f"{event_type}Subscription",
            self._platform,
            service=self._name,
            event_type=event_type,
            handler=handler,
            table=self.table,
        )
