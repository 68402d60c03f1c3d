"""The service's rules: create an item and announce it; read one back."""

import uuid
from typing import Protocol

from ...shared.errors import NotFoundError, ValidationError
from ...shared.events import EventPublisher
from .events import ItemCreatedV1
from .models import Item, NewItem

MAX_ID_LENGTH = 64


class ItemRepository(Protocol):
    def add(self, item: Item) -> None:
        """Store a new item; ConflictError if its id is taken."""

    def get(self, item_id: str) -> Item | None: ...


class ItemService:
    def __init__(self, repository: ItemRepository, publisher: EventPublisher) -> None:
        self._repository = repository
        self._publisher = publisher

    def create(self, new: NewItem) -> Item:
        """Store the item, then publish ItemCreated on the shared bus.

        If publishing fails the item is stored but unannounced, and the caller gets an
        error: docs/adr names the outbox that closes this gap when it matters.
        """
        item = Item(id=uuid.uuid4().hex, name=new.name, quantity=new.quantity)
        self._repository.add(item)
        self._publisher.publish(
            [ItemCreatedV1(item_id=item.id, name=item.name, quantity=item.quantity).to_event()]
        )
        return item

    def get(self, item_id: str) -> Item:
        if not item_id or len(item_id) > MAX_ID_LENGTH:
            raise ValidationError(f"An item id has 1 to {MAX_ID_LENGTH} characters")
        item = self._repository.get(item_id)
        if item is None:
            raise NotFoundError(f"Item {item_id} not found")
        return item
