"""The DynamoDB adapter of ItemRepository (one item per partition key `id`)."""

import base64
import binascii
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from ..shared.errors import ConflictError, ValidationError
from .models import Item
from .service import Page

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef


def _is_condition_failure(error: ClientError) -> bool:
    return error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException"


def _to_attributes(item: Item) -> "dict[str, AttributeValueTypeDef]":
    return {
        "id": {"S": item.id},
        "name": {"S": item.name},
        "description": {"S": item.description},
        "version": {"N": str(item.version)},
        "created_at": {"S": item.created_at},
        "updated_at": {"S": item.updated_at},
    }


def _from_attributes(attributes: "dict[str, AttributeValueTypeDef]") -> Item:
    return Item(
        id=attributes["id"]["S"],
        name=attributes["name"]["S"],
        description=attributes["description"]["S"],
        version=int(attributes["version"]["N"]),
        created_at=attributes["created_at"]["S"],
        updated_at=attributes["updated_at"]["S"],
    )


def encode_cursor(item_id: str) -> str:
    return base64.urlsafe_b64encode(item_id.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> str:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
    except binascii.Error:
        raw = b""
    item_id = raw.decode(errors="replace")  # U+FFFD is not alphanumeric: refused below
    if not item_id.isalnum():
        raise ValidationError("'cursor' is not one this API issued; start again without it")
    return item_id


class DynamoDbItemRepository:
    def __init__(self, client: "DynamoDBClient", table_name: str) -> None:
        self._client = client
        self._table = table_name

    def add(self, item: Item) -> None:
        try:
            self._client.put_item(
                TableName=self._table,
                Item=_to_attributes(item),
                ConditionExpression="attribute_not_exists(id)",
            )
        except ClientError as error:
            if _is_condition_failure(error):
                raise ConflictError(f"Item {item.id} already exists") from error
            raise

    def get(self, item_id: str) -> Item | None:
        response = self._client.get_item(
            TableName=self._table, Key={"id": {"S": item_id}}, ConsistentRead=True
        )
        attributes = response.get("Item")
        return _from_attributes(attributes) if attributes else None

    def page(self, limit: int, cursor: str | None) -> Page:
        if cursor is None:
            response = self._client.scan(TableName=self._table, Limit=limit)
        else:
            response = self._client.scan(
                TableName=self._table,
                Limit=limit,
                ExclusiveStartKey={"id": {"S": decode_cursor(cursor)}},
            )
        last_key = response.get("LastEvaluatedKey")
        return Page(
            items=[_from_attributes(attributes) for attributes in response.get("Items", [])],
            cursor=encode_cursor(last_key["id"]["S"]) if last_key else None,
        )

    def replace(self, item: Item, expected_version: int) -> bool:
        try:
            self._client.put_item(
                TableName=self._table,
                Item=_to_attributes(item),
                ConditionExpression="attribute_exists(id) AND version = :expected",
                ExpressionAttributeValues={":expected": {"N": str(expected_version)}},
            )
        except ClientError as error:
            if _is_condition_failure(error):
                return False
            raise
        return True

    def delete(self, item_id: str) -> bool:
        try:
            self._client.delete_item(
                TableName=self._table,
                Key={"id": {"S": item_id}},
                ConditionExpression="attribute_exists(id)",
            )
        except ClientError as error:
            if _is_condition_failure(error):
                return False
            raise
        return True


def item_repository(client: "DynamoDBClient", table_name: str) -> DynamoDbItemRepository:
    """The repository the handler serves items from."""
    return DynamoDbItemRepository(client, table_name)
