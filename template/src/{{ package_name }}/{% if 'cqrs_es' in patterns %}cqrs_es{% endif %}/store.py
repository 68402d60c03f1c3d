"""The event store: an append-only DynamoDB table, one item per event.

Key: `aggregate_id` (partition) + `version` (sort), so an account's history is one Query in
order. Appending is a transaction of puts, each conditional on its (id, version) being free:
when two writers decide from the same version, exactly one transaction succeeds and the
other gets ConflictError. Nothing ever updates or deletes an item.

Each item records its event's `type` and `schema` (the version of its data's shape), so a
later change of shape can be read back by upcasting old schemas in `decode`.
"""

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, Protocol

from botocore.exceptions import ClientError

from ..shared.errors import ConflictError
from .domain import AccountClosed, AccountOpened, Event, MoneyDeposited, MoneyWithdrawn

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef, TransactWriteItemTypeDef

MAX_EVENTS_PER_APPEND = 100  # the TransactWriteItems limit
EVENT_TYPES: dict[str, type[Event]] = {
    "AccountOpened": AccountOpened,
    "MoneyDeposited": MoneyDeposited,
    "MoneyWithdrawn": MoneyWithdrawn,
    "AccountClosed": AccountClosed,
}
SCHEMA = 1  # the shape `encode` writes today


class UnreadableEventError(ValueError):
    """A stored item is not an event this code can read (unknown type or schema, bad data)."""


@dataclass(frozen=True, slots=True)
class StoredEvent:
    aggregate_id: str
    version: int
    event: Event
    occurred_at: str

    @property
    def type(self) -> str:
        return type(self.event).__name__

    def to_dict(self) -> dict[str, Any]:
        return {
            "accountId": self.aggregate_id,
            "version": self.version,
            "type": self.type,
            "data": asdict(self.event),
            "occurredAt": self.occurred_at,
        }


def encode(event: Event) -> str:
    return json.dumps(asdict(event), sort_keys=True)


def decode(event_type: str, schema: int, data: str) -> Event:
    """The event an item holds. Upcast older schemas here when an event's shape changes."""
    event_class = EVENT_TYPES.get(event_type)
    if event_class is None or schema != SCHEMA:
        raise UnreadableEventError(f"Unknown event {event_type} (schema {schema})")
    try:
        return event_class(**json.loads(data))
    except (TypeError, ValueError) as error:
        raise UnreadableEventError(f"{event_type} data is malformed: {data!r}") from error


def to_item(
    aggregate_id: str, version: int, event: Event, occurred_at: str
) -> "dict[str, AttributeValueTypeDef]":
    return {
        "aggregate_id": {"S": aggregate_id},
        "version": {"N": str(version)},
        "type": {"S": type(event).__name__},
        "schema": {"N": str(SCHEMA)},
        "data": {"S": encode(event)},
        "occurred_at": {"S": occurred_at},
    }


def from_item(item: Mapping[str, Any]) -> StoredEvent:
    """Read an item, as Query returns it or as a stream record's NewImage carries it."""
    try:
        return StoredEvent(
            aggregate_id=item["aggregate_id"]["S"],
            version=int(item["version"]["N"]),
            event=decode(item["type"]["S"], int(item["schema"]["N"]), item["data"]["S"]),
            occurred_at=item["occurred_at"]["S"],
        )
    except (KeyError, TypeError) as error:
        raise UnreadableEventError(f"Not an event item: {dict(item)}") from error


class EventStore(Protocol):
    def load(self, aggregate_id: str) -> list[StoredEvent]:
        """The aggregate's whole history, oldest first; empty if it has none."""

    def append(
        self, aggregate_id: str, expected_version: int, events: Sequence[Event], occurred_at: str
    ) -> list[StoredEvent]:
        """Store `events` after `expected_version`; ConflictError if another writer got there first."""

    def aggregate_ids(self) -> Iterator[str]:
        """Every aggregate with a history (for rebuilding projections)."""


def _lost_race(error: ClientError) -> bool:
    if error.response.get("Error", {}).get("Code") != "TransactionCanceledException":
        return False
    reasons = error.response.get("CancellationReasons", [])
    return any(reason.get("Code") == "ConditionalCheckFailed" for reason in reasons)


class DynamoDbEventStore:
    def __init__(self, client: "DynamoDBClient", table_name: str) -> None:
        self._client = client
        self._table = table_name

    def load(self, aggregate_id: str) -> list[StoredEvent]:
        paginator = self._client.get_paginator("query")
        pages = paginator.paginate(
            TableName=self._table,
            KeyConditionExpression="aggregate_id = :id",
            ExpressionAttributeValues={":id": {"S": aggregate_id}},
            ConsistentRead=True,
        )
        return [from_item(item) for page in pages for item in page["Items"]]

    def append(
        self, aggregate_id: str, expected_version: int, events: Sequence[Event], occurred_at: str
    ) -> list[StoredEvent]:
        if not 0 < len(events) <= MAX_EVENTS_PER_APPEND:
            raise ValueError(f"Append 1 to {MAX_EVENTS_PER_APPEND} events, not {len(events)}")
        stored = [
            StoredEvent(aggregate_id, expected_version + offset, event, occurred_at)
            for offset, event in enumerate(events, start=1)
        ]
        puts: list[TransactWriteItemTypeDef] = [
            {
                "Put": {
                    "TableName": self._table,
                    "Item": to_item(aggregate_id, s.version, s.event, occurred_at),
                    "ConditionExpression": "attribute_not_exists(aggregate_id)",
                }
            }
            for s in stored
        ]
        try:
            self._client.transact_write_items(TransactItems=puts)
        except ClientError as error:
            if _lost_race(error):
                raise ConflictError(
                    f"Account {aggregate_id} changed after version {expected_version}; "
                    "read it again and retry"
                ) from error
            raise
        return stored

    def aggregate_ids(self) -> Iterator[str]:
        # Every history starts at version 1, so those items name each aggregate once.
        paginator = self._client.get_paginator("scan")
        pages = paginator.paginate(
            TableName=self._table,
            ProjectionExpression="aggregate_id",
            FilterExpression="version = :first",
            ExpressionAttributeValues={":first": {"N": "1"}},
        )
        for page in pages:
            for item in page["Items"]:
                yield item["aggregate_id"]["S"]
