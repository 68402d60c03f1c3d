"""Consumer of the order-events queue: each SQS record carries one EventBridge event.

Records fail one by one (partial batch response): a poison message goes back to the queue,
and after the queue's maxReceiveCount to its dead-letter queue, while the rest of its batch
is applied. A redelivered event is applied once: the ledger runs behind Powertools
idempotency, keyed on the envelope's id.
"""

from collections.abc import Callable
from functools import cache
from typing import Any

import boto3
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.typing import LambdaContext

from ..shared.events import IntegrationEvent, from_eventbridge
from ..shared.observability import logger, metrics, tracer
from ..shared.records import BatchResponse, Record, json_body, process_queue_batch
from ..shared.settings import required_env
from .repository import DynamoDbTotalsRepository
from .service import OrderLedger

# Long enough to cover SQS redeliveries and a replay of last week's archive.
IDEMPOTENCY_WINDOW_SECONDS = 7 * 24 * 3600

idempotency = IdempotencyConfig(
    event_key_jmespath="id",
    raise_on_no_idempotency_key=True,
    expires_after_seconds=IDEMPOTENCY_WINDOW_SECONDS,
)


@cache
def apply_once() -> Callable[..., None]:
    """The ledger's apply, run at most once per event id; built on first use."""
    client = boto3.client("dynamodb")
    ledger = OrderLedger(DynamoDbTotalsRepository(client, required_env("TOTALS_TABLE_NAME")))
    store = DynamoDBPersistenceLayer(
        table_name=required_env("IDEMPOTENCY_TABLE_NAME"), boto3_client=client
    )

    def apply(event: IntegrationEvent) -> None:
        ledger.apply(event)

    once: Callable[..., None] = idempotent_function(
        data_keyword_argument="event", persistence_store=store, config=idempotency
    )(apply)
    return once


def record_handler(record: Record) -> None:
    event = from_eventbridge(json_body(record))
    logger.append_keys(event_id=event.id, event_type=event.type)
    apply_once()(event=event)
    metrics.add_metric(name="EventConsumed", unit=MetricUnit.Count, value=1)


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> BatchResponse:
    idempotency.register_lambda_context(context)
    return process_queue_batch(event, record_handler)
