"""The Distributed Map's item processor: one invocation per S3 object of the run.

The state machine passes `{"bucket": ..., "key": ...}` for each object its ItemReader lists.
A transient failure (throttling, a timeout) is retried by the state machine with backoff;
a file that is not a sales file fails its item, which the Map tolerates up to its threshold.
"""

from dataclasses import dataclass
from functools import cache
from typing import Any

import boto3
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from ..shared.errors import ValidationError
from ..shared.objects import S3Objects
from ..shared.observability import logger, metrics, tracer
from ..shared.settings import required_env
from .service import SalesFileSummariser


@dataclass(frozen=True, slots=True)
class Item:
    bucket: str
    key: str

    @classmethod
    def from_event(cls, event: dict[str, Any]) -> "Item":
        bucket, key = event.get("bucket"), event.get("key")
        if not isinstance(bucket, str) or not bucket or not isinstance(key, str) or not key:
            raise ValidationError('The item must be {"bucket": "<name>", "key": "<object key>"}')
        return cls(bucket, key)


@cache
def summariser() -> SalesFileSummariser:
    """Built on first use, so that importing the module creates no AWS client."""
    return SalesFileSummariser(
        S3Objects(boto3.client("s3")),
        summary_bucket=required_env("SUMMARY_BUCKET"),
        summary_prefix=required_env("SUMMARY_PREFIX"),
    )


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    item = Item.from_event(event)
    logger.append_keys(bucket=item.bucket, key=item.key)
    result = summariser().run(item.bucket, item.key)
    if not result["skipped"]:
        metrics.add_metric(name="RowsSummarised", unit=MetricUnit.Count, value=result["rows"])
        metrics.add_metric(name="RowsRejected", unit=MetricUnit.Count, value=result["rejected"])
    return result
