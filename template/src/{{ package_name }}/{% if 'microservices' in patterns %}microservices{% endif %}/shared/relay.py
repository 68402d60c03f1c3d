"""The relay every service runs: new items in its table -> its ItemCreated on the shared bus.

A transactional outbox without a second table: the service only writes the item, DynamoDB
records the write in the table's stream, and the relay publishes it. An item that is stored is
announced, even if the process that stored it stops right after the write.

Records are published in stream order; the first that fails stops the batch and is reported
in `batchItemFailures`, so Lambda retries from it (items are announced in the order they were
stored) and, after bounded retries, sends it to the on-failure queue. The envelope's id derives
from the item (`<Type>-<item id>`), so a record relayed twice carries the same id and
subscribers apply it once. Copies of other services' items (they carry an `origin`) are not
announced; the event source mapping filters them out already.
"""

from collections.abc import Mapping
from functools import cache, partial
from typing import Any, Protocol

import boto3
from aws_lambda_powertools.metrics import MetricUnit

from ...shared.errors import ValidationError
from ...shared.events import EventBridgePublisher, EventPublisher, IntegrationEvent
from ...shared.observability import metrics, tracer
from ...shared.records import BatchResponse, Record, process_stream_batch
from ...shared.settings import required_env


class Announcement(Protocol):
    def to_event(self) -> IntegrationEvent: ...


class ItemCreated(Protocol):
    """A service's ItemCreated event class (in its events.py), built from a new item's fields."""

    def __call__(self, *, item_id: str, name: str, quantity: int) -> Announcement: ...


@cache
def publisher() -> EventPublisher:
    """Built on first use, so importing the module stays cheap and tests can set the env first."""
    return EventBridgePublisher(boto3.client("events"), required_env("EVENT_BUS_NAME"))


def announcement(image: Mapping[str, Any], created: ItemCreated) -> IntegrationEvent | None:
    """The event that announces a new item (its stream image); None for a copied item."""
    if "origin" in image:
        return None
    try:
        event = created(
            item_id=image["id"]["S"], name=image["name"]["S"], quantity=int(image["quantity"]["N"])
        )
    except (KeyError, TypeError, ValueError) as error:
        raise ValidationError(f"Not an item image: {error!r}") from error
    return event.to_event()


@tracer.capture_method
def relay_record(record: Record, created: ItemCreated) -> None:
    image = record.get("dynamodb", {}).get("NewImage")
    if record.get("eventName") != "INSERT" or image is None:
        return  # only new items are announced (the mapping's filter passes nothing else)
    event = announcement(image, created)
    if event is None:
        metrics.add_metric(name="CopyNotAnnounced", unit=MetricUnit.Count, value=1)
        return
    publisher().publish([event])
    metrics.add_metric(name="ItemCreatedRelayed", unit=MetricUnit.Count, value=1)


def relay(event: Mapping[str, Any], created: ItemCreated) -> BatchResponse:
    """Publish `created` for each new item of a batch of stream records, in order."""
    return process_stream_batch(event, partial(relay_record, created=created))
