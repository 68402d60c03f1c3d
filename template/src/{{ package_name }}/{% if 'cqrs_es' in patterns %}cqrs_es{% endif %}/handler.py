"""HTTP routes: commands (POST) change accounts through the event store; queries (GET) read.

Two functions, two resolvers: the command function may append to the event store and read
it, the query function may only read, so the IAM policies keep the sides apart.
"""

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
from .models import parse_closure, parse_deposit, parse_open_account, parse_withdrawal
from .read_model import DynamoDbAccountViews
from .service import AccountCommands, AccountQueries, Outcome
from .store import DynamoDbEventStore

commands = create_resolver()
queries = create_resolver()


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


def _done(outcome: Outcome, metric: str) -> dict[str, Any]:
    metrics.add_metric(name=metric, unit=MetricUnit.Count, value=1)
    return outcome.to_dict()


@commands.post("/accounts")
def open_account() -> Response[str]:
    outcome = command_service().open(parse_open_account(commands.current_event.json_body))
    metrics.add_metric(name="AccountOpened", unit=MetricUnit.Count, value=1)
    location = f"/accounts/{outcome.account_id}"
    return json_response(HTTPStatus.CREATED, outcome.to_dict(), {"Location": location})


@commands.post("/accounts/<account_id>/deposits")
def deposit(account_id: str) -> dict[str, Any]:
    request = parse_deposit(commands.current_event.json_body)
    return _done(command_service().handle(account_id, request), "MoneyDeposited")


@commands.post("/accounts/<account_id>/withdrawals")
def withdraw(account_id: str) -> dict[str, Any]:
    request = parse_withdrawal(commands.current_event.json_body)
    return _done(command_service().handle(account_id, request), "MoneyWithdrawn")


@commands.post("/accounts/<account_id>/closure")
def close(account_id: str) -> dict[str, Any]:
    request = parse_closure(commands.current_event.json_body)
    return _done(command_service().handle(account_id, request), "AccountClosed")


@queries.get("/accounts/<account_id>")
def get_account(account_id: str) -> dict[str, Any]:
    return query_service().get(account_id).to_dict()


@queries.get("/accounts/<account_id>/events")
def list_events(account_id: str) -> dict[str, Any]:
    return {"events": [stored.to_dict() for stored in query_service().history(account_id)]}


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler
@metrics.log_metrics
def handle_command(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return commands.resolve(event, context)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler
@metrics.log_metrics
def handle_query(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return queries.resolve(event, context)
