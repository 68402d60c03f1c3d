"""The DynamoDB adapter of ItemRepository: one item per partition key `id`, in the service's own table."""

from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from ...shared.errors import ConflictError
from .models import Item

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef


class DynamoDbItemRepository:
    def __init__(self, client: "DynamoDBClient", table_name: str) -> None:
        self._client = client
        self._table = table_name

    def add(self, item: Item) -> None:
        attributes: dict[str, AttributeValueTypeDef] = {
            "id": {"S": item.id},
            "name": {"S": item.name},
            "quantity": {"N": str(item.quantity)},
        }
        if item.origin is not None:
            attributes["origin"] = {"S": item.origin}
        try:
            self._client.put_item(
                TableName=self._table,
                Item=attributes,
                ConditionExpression="attribute_not_exists(id)",
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                raise ConflictError(f"Item {item.id} already exists") from error
            raise

    def get(self, item_id: str) -> Item | None:
        found = self._client.get_item(
            TableName=self._table, Key={"id": {"S": item_id}}, ConsistentRead=True
        ).get("Item")
        if not found:
            return None
        return Item(
            id=found["id"]["S"],
            name=found["name"]["S"],
            quantity=int(found["quantity"]["N"]),
            origin=found["origin"]["S"] if "origin" in found else None,
        )
