"""A service's rules: create an item; read one back.

Creating an item only writes it: the service's relay (relay.py) announces it from the table's
stream, so an item is stored and announced together or not at all (a transactional outbox).
"""

from typing import Protocol

from ...shared import stamps
from ...shared.errors import NotFoundError, ValidationError
from .models import Item, NewItem

MAX_ID_LENGTH = 64


class ItemRepository(Protocol):
    def add(self, item: Item) -> None:
        """Store a new item; ConflictError if its id is taken."""

    def get(self, item_id: str) -> Item | None: ...


class ItemService:
    def __init__(self, repository: ItemRepository) -> None:
        self._repository = repository

    def create(self, new: NewItem) -> Item:
        """Store the item; the relay publishes its ItemCreated from the table's stream."""
        item = Item(id=stamps.new_id(), name=new.name, quantity=new.quantity)
        self._repository.add(item)
        return item

    def get(self, item_id: str) -> Item:
        if not item_id or len(item_id) > MAX_ID_LENGTH:
            raise ValidationError(f"An item id has 1 to {MAX_ID_LENGTH} characters")
        item = self._repository.get(item_id)
        if item is None:
            raise NotFoundError(f"Item {item_id} not found")
        return item
