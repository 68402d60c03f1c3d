"""The product resource, its validation, and its cache encoding."""

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..shared.errors import ValidationError
from ..shared.fields import json_object, required_integer, required_text

PRODUCT_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
NAME_MAX_LENGTH = 100
MAX_PRICE_CENTS = 100_000_000


@dataclass(frozen=True, slots=True)
class Product:
    id: str
    name: str
    price_cents: int
    updated_at: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "priceCents": self.price_cents,
            "updatedAt": self.updated_at,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Product":
        return cls(
            id=str(data["id"]),
            name=str(data["name"]),
            price_cents=int(data["priceCents"]),
            updated_at=str(data["updatedAt"]),
        )


@dataclass(frozen=True, slots=True)
class ProductDetails:
    name: str
    price_cents: int


def encode(product: Product) -> str:
    return json.dumps(product.to_dict(), separators=(",", ":"))


def decode(text: str) -> Product:
    data = json.loads(text)
    if not isinstance(data, Mapping):
        raise ValueError("A cached product must be a JSON object")
    return Product.from_dict(data)


def parse_product_id(product_id: str) -> str:
    if not PRODUCT_ID.fullmatch(product_id):
        raise ValidationError(
            "Product ids are 1 to 64 letters, digits, '-' or '_', e.g. 'sku-1042'"
        )
    return product_id


def parse_product_details(body: Any) -> ProductDetails:
    fields = json_object(body, {"name", "priceCents"})
    return ProductDetails(
        name=required_text(fields, "name", NAME_MAX_LENGTH),
        price_cents=required_integer(fields, "priceCents", 0, MAX_PRICE_CENTS),
    )
