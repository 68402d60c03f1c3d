"""Ingestion function: S3 "Object Created" events (through EventBridge) for the raw zone's landing/.

EventBridge invokes it asynchronously: Lambda retries a failed invocation twice, then sends
the event to the dead-letter queue, whose alarm says something needs a look.
"""

from collections.abc import Mapping
from functools import cache
from typing import Any

import boto3
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from ..shared.errors import ValidationError
from ..shared.objects import S3Objects
from ..shared.observability import logger, metrics, tracer
from .service import Ingestion


@cache
def ingestion() -> Ingestion:
    """Built on first use, so that importing the module creates no AWS client."""
    return Ingestion(S3Objects(boto3.client("s3")))


def object_of(event: Mapping[str, Any]) -> tuple[str, str]:
    """(bucket, key) of an S3 Object Created event; EventBridge does not URL-encode the key."""
    detail_type = event.get("detail-type")
    if event.get("source") != "aws.s3" or detail_type != "Object Created":
        raise ValidationError(f"Expected an S3 Object Created event, got {detail_type}")
    try:
        return str(event["detail"]["bucket"]["name"]), str(event["detail"]["object"]["key"])
    except (KeyError, TypeError):
        raise ValidationError("The event names no bucket and object key") from None


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    bucket, key = object_of(event)
    logger.append_keys(bucket=bucket, key=key)
    result = ingestion().ingest(bucket, key)
    metrics.add_metric(name="RecordsAccepted", unit=MetricUnit.Count, value=result.accepted)
    metrics.add_metric(name="RecordsQuarantined", unit=MetricUnit.Count, value=result.quarantined)
    if result.quarantined:
        logger.warning("Records quarantined", extra={"quarantine_key": result.quarantine_key})
    return {
        "key": result.key,
        "accepted": result.accepted,
        "quarantined": result.quarantined,
        "validatedKey": result.validated_key,
        "quarantineKey": result.quarantine_key,
    }
