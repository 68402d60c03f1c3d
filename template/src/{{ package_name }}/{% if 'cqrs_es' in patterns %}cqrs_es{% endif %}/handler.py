"""HTTP routes: commands (POST) change accounts through the event store; queries (GET) read.

Two functions, two routers: the command function may append to the event store and read
it, the query function may only read, so the IAM policies keep the sides apart.
"""

from collections.abc import Callable
from functools import cache
from http import HTTPStatus
from typing import Any

import boto3
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from ..shared.http import Request, Response, Router
from ..shared.observability import logger, metrics, tracer
from ..shared.settings import required_env
from .models import Request as Command
from .models import parse_closure, parse_deposit, parse_open_account, parse_withdrawal
from .read_model import DynamoDbAccountViews
from .service import AccountCommands, AccountQueries
from .store import DynamoDbEventStore

commands = Router()
queries = Router()


@cache
def command_service() -> AccountCommands:
    """Built on first use, so importing the module stays cheap and tests can set the env first."""
    store = DynamoDbEventStore(boto3.client("dynamodb"), required_env("EVENT_STORE_TABLE_NAME"))
    return AccountCommands(store)


@cache
def query_service() -> AccountQueries:
    client = boto3.client("dynamodb")
    return AccountQueries(
        DynamoDbAccountViews(client, required_env("ACCOUNTS_TABLE_NAME")),
        DynamoDbEventStore(client, required_env("EVENT_STORE_TABLE_NAME")),
    )


def _change(request: Request, parse: Callable[[Any], Command], metric: str) -> Response:
    """Applies the command `parse` reads from the body to the account named in the path."""
    command = parse(request.json_body())
    outcome = command_service().handle(request.path_parameters["account_id"], command)
    metrics.add_metric(name=metric, unit=MetricUnit.Count, value=1)
    return Response(HTTPStatus.OK, outcome.to_dict())


@commands.route("POST /accounts")
def open_account(request: Request) -> Response:
    outcome = command_service().open(parse_open_account(request.json_body()))
    metrics.add_metric(name="AccountOpened", unit=MetricUnit.Count, value=1)
    location = f"/accounts/{outcome.account_id}"
    return Response(HTTPStatus.CREATED, outcome.to_dict(), {"Location": location})


@commands.route("POST /accounts/{account_id}/deposits")
def deposit(request: Request) -> Response:
    return _change(request, parse_deposit, "MoneyDeposited")


@commands.route("POST /accounts/{account_id}/withdrawals")
def withdraw(request: Request) -> Response:
    return _change(request, parse_withdrawal, "MoneyWithdrawn")


@commands.route("POST /accounts/{account_id}/closure")
def close(request: Request) -> Response:
    return _change(request, parse_closure, "AccountClosed")


@queries.route("GET /accounts/{account_id}")
def get_account(request: Request) -> Response:
    account = query_service().get(request.path_parameters["account_id"])
    return Response(HTTPStatus.OK, account.to_dict())


@queries.route("GET /accounts/{account_id}/events")
def list_events(request: Request) -> Response:
    history = query_service().history(request.path_parameters["account_id"])
    return Response(HTTPStatus.OK, {"events": [stored.to_dict() for stored in history]})


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler
@metrics.log_metrics
def handle_command(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return commands.resolve(event)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler
@metrics.log_metrics
def handle_query(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return queries.resolve(event)
