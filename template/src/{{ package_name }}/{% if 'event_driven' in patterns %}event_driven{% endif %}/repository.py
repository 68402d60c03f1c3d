"""The DynamoDB adapter of TotalsRepository: one item per customer and currency."""

from typing import TYPE_CHECKING

from .events import OrderPlacedV1
from .service import CustomerTotal

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient


class DynamoDbTotalsRepository:
    def __init__(self, client: "DynamoDBClient", table_name: str) -> None:
        self._client = client
        self._table = table_name

    def add_order(self, order: OrderPlacedV1) -> None:
        # ADD is atomic, so concurrent consumers never lose a count.
        self._client.update_item(
            TableName=self._table,
            Key={"customer_id": {"S": order.customer_id}, "currency": {"S": order.currency}},
            UpdateExpression="ADD order_count :one, total_cents :total SET last_order_id = :order",
            ExpressionAttributeValues={
                ":one": {"N": "1"},
                ":total": {"N": str(order.total_cents)},
                ":order": {"S": order.order_id},
            },
        )

    def get(self, customer_id: str, currency: str) -> CustomerTotal | None:
        response = self._client.get_item(
            TableName=self._table,
            Key={"customer_id": {"S": customer_id}, "currency": {"S": currency}},
            ConsistentRead=True,
        )
        item = response.get("Item")
        if not item:
            return None
        return CustomerTotal(
            customer_id=customer_id,
            currency=currency,
            order_count=int(item["order_count"]["N"]),
            total_cents=int(item["total_cents"]["N"]),
            last_order_id=item["last_order_id"]["S"],
        )
