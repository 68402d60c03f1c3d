"""The events this pattern consumes, one class per type and version: the schema lives here only.

A compatible change (a new optional field) keeps the version. A breaking change adds a new
class with the next version and its own rule, and both versions are consumed until every
producer has moved.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from ..shared.errors import ValidationError
from ..shared.events import SOURCE, IntegrationEvent

CURRENCY = re.compile(r"^[A-Z]{3}$")
MAX_ID_LENGTH = 64


def _identifier(data: Mapping[str, Any], field: str) -> str:
    value = data.get(field)
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_ID_LENGTH:
        raise ValidationError(
            f"'{field}' must be a non-empty string of at most {MAX_ID_LENGTH} characters"
        )
    return value


@dataclass(frozen=True, slots=True)
class OrderPlacedV1:
    """A customer placed an order (version 1)."""

    TYPE: ClassVar[str] = "OrderPlaced"
    VERSION: ClassVar[int] = 1

    # What the rule routing this version matches; tests/infra checks the deployed rule against it.
    RULE_PATTERN: ClassVar[dict[str, Any]] = {
        "source": [SOURCE],
        "detail-type": [TYPE],
        "detail": {"version": [VERSION]},
    }

    order_id: str
    customer_id: str
    total_cents: int
    currency: str

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> "OrderPlacedV1":
        total = data.get("totalCents")
        if type(total) is not int or total <= 0:
            raise ValidationError("'totalCents' must be a positive integer")
        currency = data.get("currency")
        if not isinstance(currency, str) or not CURRENCY.match(currency):
            raise ValidationError("'currency' must be an ISO 4217 code such as 'EUR'")
        return cls(
            order_id=_identifier(data, "orderId"),
            customer_id=_identifier(data, "customerId"),
            total_cents=total,
            currency=currency,
        )

    def to_event(self) -> IntegrationEvent:
        """The envelope to publish; its id is the order's, so a retried publish is deduplicated."""
        return IntegrationEvent(
            type=self.TYPE,
            version=self.VERSION,
            id=f"{self.TYPE}-{self.order_id}",
            data={
                "orderId": self.order_id,
                "customerId": self.customer_id,
                "totalCents": self.total_cents,
                "currency": self.currency,
            },
        )
