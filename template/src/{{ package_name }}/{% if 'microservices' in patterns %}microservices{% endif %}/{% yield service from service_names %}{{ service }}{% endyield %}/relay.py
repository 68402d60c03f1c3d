"""The relay: new items in this service's table -> ItemCreated on the shared bus.

A transactional outbox without a second table: the service only writes the item, DynamoDB
records the write in the table's stream, and this function publishes it. An item that is
stored is announced, even if the process that stored it stops right after the write.

Records are published in stream order; the first that fails stops the batch and is reported
in `batchItemFailures`, so Lambda retries from it (items are announced in the order they were
stored) and, after bounded retries, sends it to the on-failure queue. The envelope's id derives from the item (`<Type>-<item id>`), so a record relayed twice
carries the same id and subscribers apply it once. Copies of other services' items (they
carry an `origin`) are not announced; the event source mapping filters them out already.
"""

from collections.abc import Mapping
from functools import cache
from typing import Any

import boto3
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from ...shared.errors import ValidationError
from ...shared.events import EventBridgePublisher, EventPublisher, IntegrationEvent
from ...shared.observability import logger, metrics, tracer
from ...shared.records import BatchResponse, Record, process_stream_batch
from ...shared.settings import required_env
from .events import ItemCreatedV1


@cache
def publisher() -> EventPublisher:
    """Built on first use, so importing the module stays cheap and tests can set the env first."""
    return EventBridgePublisher(boto3.client("events"), required_env("EVENT_BUS_NAME"))


def announcement(image: Mapping[str, Any]) -> IntegrationEvent | None:
    """The event that announces a new item (its stream image); None for a copied item."""
    if "origin" in image:
        return None
    try:
        created = ItemCreatedV1(
            item_id=image["id"]["S"], name=image["name"]["S"], quantity=int(image["quantity"]["N"])
        )
    except (KeyError, TypeError, ValueError) as error:
        raise ValidationError(f"Not an item image: {error!r}") from error
    return created.to_event()


@tracer.capture_method
def relay_record(record: Record) -> None:
    image = record.get("dynamodb", {}).get("NewImage")
    if record.get("eventName") != "INSERT" or image is None:
        return  # only new items are announced (the mapping's filter passes nothing else)
    event = announcement(image)
    if event is None:
        metrics.add_metric(name="CopyNotAnnounced", unit=MetricUnit.Count, value=1)
        return
    publisher().publish([event])
    metrics.add_metric(name="ItemCreatedRelayed", unit=MetricUnit.Count, value=1)


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> BatchResponse:
    return process_stream_batch(event, relay_record)
