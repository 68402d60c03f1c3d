"""HTTP routes of the product resource: reads through the cache, writes to the table."""

from functools import cache
from http import HTTPStatus
from typing import Any

import boto3
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from ..shared.http import Request, Response, Router
from ..shared.observability import logger, metrics, tracer
from ..shared.settings import required_env
from ..shared.valkey import cache_from_environment
from .caching import CachedProductRepository
from .repository import DynamoDbProductRepository
from .service import ProductService

app = Router()


@cache
def service() -> ProductService:
    """Built on first use and kept for the life of the execution environment (and its connection)."""
    table = DynamoDbProductRepository(boto3.client("dynamodb"), required_env("PRODUCTS_TABLE_NAME"))
    return ProductService(CachedProductRepository(table, cache_from_environment()))


@app.route("GET /products/{product_id}")
def get_product(request: Request) -> Response:
    return Response(HTTPStatus.OK, service().get(request.path_parameters["product_id"]).to_dict())


@app.route("PUT /products/{product_id}")
def put_product(request: Request) -> Response:
    product = service().put(request.path_parameters["product_id"], request.json_body())
    return Response(HTTPStatus.OK, product.to_dict())


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event)
