"""A service's item and the validation of what callers send."""

from dataclasses import dataclass
from typing import Any

from ...shared.fields import json_object, required_integer, required_text

NAME_MAX_LENGTH = 100
MAX_QUANTITY = 1_000_000


@dataclass(frozen=True, slots=True)
class NewItem:
    name: str
    quantity: int


@dataclass(frozen=True, slots=True)
class Item:
    id: str
    name: str
    quantity: int
    # The event this item was derived from, when another service's event created it.
    origin: str | None = None

    def to_dict(self) -> dict[str, Any]:
        answer: dict[str, Any] = {"id": self.id, "name": self.name, "quantity": self.quantity}
        if self.origin is not None:
            answer["origin"] = self.origin
        return answer


def parse_new_item(body: Any) -> NewItem:
    fields = json_object(body, {"name", "quantity"})
    return NewItem(
        name=required_text(fields, "name", NAME_MAX_LENGTH),
        quantity=required_integer(fields, "quantity", 1, MAX_QUANTITY),
    )
