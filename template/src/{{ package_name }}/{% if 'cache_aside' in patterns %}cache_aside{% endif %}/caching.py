"""ProductRepository read through the cache: the cache-aside decorator around the table."""

from ..shared.cache import CacheAside
from .models import Product, decode, encode
from .service import ProductRepository

# The version in the key keeps entries of an older encoding from being read after a change.
KEY_PREFIX = "product:v1:"


class CachedProductRepository:
    def __init__(self, table: ProductRepository, cache: CacheAside) -> None:
        self._table = table
        self._cache = cache

    def get(self, product_id: str) -> Product | None:
        return self._cache.read(
            KEY_PREFIX + product_id, lambda: self._table.get(product_id), encode, decode
        )

    def put(self, product: Product) -> None:
        self._table.put(product)
        self._cache.invalidate(KEY_PREFIX + product.id)
