"""Use cases of the product resource, independent of HTTP, of DynamoDB and of the cache."""

from collections.abc import Callable
from typing import Any, Protocol

from ..shared import stamps
from ..shared.errors import NotFoundError
from .models import Product, parse_product_details, parse_product_id


class ProductRepository(Protocol):
    def get(self, product_id: str) -> Product | None: ...

    def put(self, product: Product) -> None:
        """Store the product, replacing any earlier version."""


class ProductService:
    def __init__(
        self, repository: ProductRepository, clock: Callable[[], str] = stamps.now
    ) -> None:
        self._repository = repository
        self._clock = clock

    def get(self, product_id: str) -> Product:
        product = self._repository.get(parse_product_id(product_id))
        if product is None:
            raise NotFoundError(f"Product {product_id} not found")
        return product

    def put(self, product_id: str, body: Any) -> Product:
        details = parse_product_details(body)
        product = Product(
            id=parse_product_id(product_id),
            name=details.name,
            price_cents=details.price_cents,
            updated_at=self._clock(),
        )
        self._repository.put(product)
        return product
