"""The projector: DynamoDB stream records of the event store -> read model (and the event bus).

Lambda reads the stream in order per shard and hands over batches. Records are projected in
order; the first that fails stops the batch and is reported in `batchItemFailures`, so Lambda
retries from it (the records before it are not redone, the ones after it wait) and, after
bounded retries, sends it to the on-failure queue. Retried records that were projected
already change nothing (see projection.py).
"""

import os
from functools import cache
from typing import Any

import boto3
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from ..shared.events import EventBridgePublisher, EventPublisher
from ..shared.observability import logger, metrics, tracer
from ..shared.records import BatchResponse, Record, process_stream_batch
from ..shared.settings import required_env
from .projection import Projector
from .read_model import DynamoDbAccountViews
from .store import DynamoDbEventStore, UnreadableEventError, from_item


def publisher() -> EventPublisher | None:
    """Integration events go to the shared bus when the service has one (EVENT_BUS_NAME set)."""
    bus_name = os.environ.get("EVENT_BUS_NAME", "").strip()
    return EventBridgePublisher(boto3.client("events"), bus_name) if bus_name else None


@cache
def projector() -> Projector:
    """Built on first use, so importing the module stays cheap and tests can set the env first."""
    client = boto3.client("dynamodb")
    return Projector(
        DynamoDbEventStore(client, required_env("EVENT_STORE_TABLE_NAME")),
        DynamoDbAccountViews(client, required_env("ACCOUNTS_TABLE_NAME")),
        publisher(),
    )


@tracer.capture_method
def project_record(record: Record) -> None:
    image = record.get("dynamodb", {}).get("NewImage")
    if image is None:
        raise UnreadableEventError(f"Record {record.get('eventID')} carries no new image")
    result = projector().project(from_item(image))
    if not result.written:
        metrics.add_metric(name="ProjectionReplayed", unit=MetricUnit.Count, value=1)
    if result.caught_up:
        metrics.add_metric(name="ProjectionCaughtUp", unit=MetricUnit.Count, value=1)


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> BatchResponse:
    return process_stream_batch(event, project_record)
