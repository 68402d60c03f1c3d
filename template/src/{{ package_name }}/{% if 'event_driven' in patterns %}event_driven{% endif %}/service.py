"""What the consumer does with each event: keep every customer's order totals per currency."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from ..shared.errors import ValidationError
from ..shared.events import IntegrationEvent
from .events import OrderPlacedV1


class UnsupportedEventError(ValidationError):
    """No consumer for this type and version: a rule routes more than this code handles."""


@dataclass(frozen=True, slots=True)
class CustomerTotal:
    customer_id: str
    currency: str
    order_count: int
    total_cents: int
    last_order_id: str


class TotalsRepository(Protocol):
    def add_order(self, order: OrderPlacedV1) -> None:
        """Count the order into its customer's totals. Not idempotent: callers deduplicate."""

    def get(self, customer_id: str, currency: str) -> CustomerTotal | None: ...


class OrderLedger:
    def __init__(self, repository: TotalsRepository) -> None:
        self._repository = repository
        self._consumers: dict[tuple[str, int], Callable[[IntegrationEvent], None]] = {
            (OrderPlacedV1.TYPE, OrderPlacedV1.VERSION): self._order_placed,
        }

    def apply(self, event: IntegrationEvent) -> None:
        consume = self._consumers.get((event.type, event.version))
        if consume is None:
            raise UnsupportedEventError(f"No consumer for {event.type} version {event.version}")
        consume(event)

    def _order_placed(self, event: IntegrationEvent) -> None:
        self._repository.add_order(OrderPlacedV1.from_data(event.data))
