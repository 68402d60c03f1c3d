"""Use cases of the item resource, independent of HTTP and of DynamoDB."""

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Protocol

from ..shared import stamps
from ..shared.errors import ConflictError, NotFoundError, ValidationError
from .models import Item, parse_item_changes, parse_new_item

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


@dataclass(frozen=True, slots=True)
class Page:
    items: list[Item]
    cursor: str | None


class ItemRepository(Protocol):
    """Where items live. Writes are conditional, so concurrent callers cannot lose updates."""

    def add(self, item: Item) -> None:
        """Store a new item; ConflictError if its id exists."""

    def get(self, item_id: str) -> Item | None: ...

    def page(self, limit: int, cursor: str | None) -> Page:
        """Up to `limit` items after `cursor`; ValidationError for a cursor it did not issue."""

    def replace(self, item: Item, expected_version: int) -> bool:
        """Store `item` if the stored version is `expected_version`; False otherwise."""

    def delete(self, item_id: str) -> bool:
        """Delete the item; False if there was none."""


class ItemService:
    def __init__(
        self,
        repository: ItemRepository,
        clock: Callable[[], str] = stamps.now,
        new_id: Callable[[], str] = stamps.new_id,
    ) -> None:
        self._repository = repository
        self._clock = clock
        self._new_id = new_id

    def create(self, body: Any) -> Item:
        new = parse_new_item(body)
        now = self._clock()
        item = Item(self._new_id(), new.name, new.description, 1, now, now)
        self._repository.add(item)
        return item

    def get(self, item_id: str) -> Item:
        item = self._repository.get(item_id)
        if item is None:
            raise NotFoundError(f"Item {item_id} not found")
        return item

    def list(self, limit: str | None, cursor: str | None) -> Page:
        return self._repository.page(_page_size(limit), cursor or None)

    def update(self, item_id: str, body: Any) -> Item:
        changes = parse_item_changes(body)
        current = self.get(item_id)
        if changes.expected_version not in (None, current.version):
            raise ConflictError(
                f"Item {item_id} is at version {current.version}, "
                f"not {changes.expected_version}; fetch it again and retry"
            )
        updated = replace(
            current,
            name=changes.name or current.name,
            description=current.description if changes.description is None else changes.description,
            version=current.version + 1,
            updated_at=self._clock(),
        )
        if not self._repository.replace(updated, expected_version=current.version):
            raise ConflictError(
                f"Item {item_id} was changed concurrently; fetch it again and retry"
            )
        return updated

    def delete(self, item_id: str) -> None:
        if not self._repository.delete(item_id):
            raise NotFoundError(f"Item {item_id} not found")


def _page_size(limit: str | None) -> int:
    if limit is None:
        return DEFAULT_PAGE_SIZE
    if not limit.isdigit() or not 1 <= int(limit) <= MAX_PAGE_SIZE:
        raise ValidationError(f"'limit' must be a whole number from 1 to {MAX_PAGE_SIZE}")
    return int(limit)
