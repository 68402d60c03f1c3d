"""HTTP routes of the item resource: parse the request, call the service, shape the answer."""

from functools import cache
from http import HTTPStatus
from typing import Any

import boto3
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from ..shared.http import create_resolver, json_response
from ..shared.observability import logger, metrics, tracer
from ..shared.settings import required_env
from .repository import DynamoDbItemRepository
from .service import ItemService

app = create_resolver()


@cache
def service() -> ItemService:
    """Built on first use, so importing the module stays cheap and tests can set the env first."""
    client = boto3.client("dynamodb")
    return ItemService(DynamoDbItemRepository(client, required_env("ITEMS_TABLE_NAME")))


@app.post("/items")
def create_item() -> Response[str]:
    item = service().create(app.current_event.json_body)
    metrics.add_metric(name="ItemCreated", unit=MetricUnit.Count, value=1)
    return json_response(HTTPStatus.CREATED, item.to_dict(), {"Location": f"/items/{item.id}"})


@app.get("/items")
def list_items() -> dict[str, Any]:
    query = app.current_event.query_string_parameters or {}
    page = service().list(query.get("limit"), query.get("cursor"))
    return {"items": [item.to_dict() for item in page.items], "cursor": page.cursor}


@app.get("/items/<item_id>")
def get_item(item_id: str) -> dict[str, Any]:
    return service().get(item_id).to_dict()


@app.patch("/items/<item_id>")
def update_item(item_id: str) -> dict[str, Any]:
    return service().update(item_id, app.current_event.json_body).to_dict()


@app.delete("/items/<item_id>")
def delete_item(item_id: str) -> Response[str]:
    service().delete(item_id)
    metrics.add_metric(name="ItemDeleted", unit=MetricUnit.Count, value=1)
    return json_response(HTTPStatus.NO_CONTENT)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
