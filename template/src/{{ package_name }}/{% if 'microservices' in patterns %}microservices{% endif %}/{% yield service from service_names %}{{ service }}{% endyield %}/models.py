"""The service's item and the validation of what callers send."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ...shared.errors import ValidationError

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


def parse_name(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError("'name' must be a non-empty string")
    if len(value) > NAME_MAX_LENGTH:
        raise ValidationError(f"'name' must be at most {NAME_MAX_LENGTH} characters")
    return value.strip()


def parse_quantity(value: Any) -> int:
    if type(value) is not int or not 0 < value <= MAX_QUANTITY:
        raise ValidationError(f"'quantity' must be an integer from 1 to {MAX_QUANTITY}")
    return value


def parse_new_item(body: Any) -> NewItem:
    if not isinstance(body, Mapping):
        raise ValidationError("Request body must be a JSON object")
    unknown = sorted(set(body) - {"name", "quantity"})
    if unknown:
        raise ValidationError(f"Unknown field(s): {', '.join(unknown)}")
    return NewItem(name=parse_name(body.get("name")), quantity=parse_quantity(body.get("quantity")))
