"""The relay: new items in this service's table -> ItemCreated on the shared bus.

A transactional outbox without a second table: the service only writes the item, DynamoDB
records the write in the table's stream, and this function publishes it. An item that is
stored is announced, even if the process that stored it stops right after the write.

Records are published one by one; one that fails is reported in `batchItemFailures`, so
Lambda retries from it and, after bisecting and bounded retries, sends it to the on-failure
queue. The envelope's id derives from the item (`<Type>-<item id>`), so a record relayed twice
carries the same id and subscribers apply it once. Copies of other services' items (they
carry an `origin`) are not announced; the event source mapping filters them out already.
"""

from collections.abc import Mapping
from functools import cache
from typing import Any

import boto3
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from ...shared.errors import ValidationError
from ...shared.events import EventBridgePublisher, EventPublisher, IntegrationEvent
from ...shared.observability import logger, metrics, tracer
from ...shared.settings import required_env
from .events import ItemCreatedV1

processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


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
def relay_record(record: DynamoDBRecord) -> None:
    image = record.raw_event.get("dynamodb", {}).get("NewImage")
    if record.raw_event.get("eventName") != "INSERT" or image is None:
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
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(
        event=event, record_handler=relay_record, processor=processor, context=context
    )
