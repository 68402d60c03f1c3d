"""This service's relay (its outbox): new items in its table -> its ItemCreated on the shared bus.

How it publishes, in order and once per item: ../shared/relay.py.
"""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from ...shared.observability import logger, metrics, tracer
from ...shared.records import BatchResponse
from ..shared.relay import relay
from .events import ItemCreatedV1


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> BatchResponse:
    return relay(event, ItemCreatedV1)
