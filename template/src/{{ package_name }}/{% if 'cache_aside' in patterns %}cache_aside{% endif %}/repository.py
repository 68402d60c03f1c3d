"""The DynamoDB adapter of ProductRepository (one item per partition key `id`)."""

from typing import TYPE_CHECKING

from .models import Product

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient


class DynamoDbProductRepository:
    def __init__(self, client: "DynamoDBClient", table_name: str) -> None:
        self._client = client
        self._table = table_name

    def get(self, product_id: str) -> Product | None:
        # Consistent: a value read here may be cached for minutes, so it must be the latest.
        response = self._client.get_item(
            TableName=self._table, Key={"id": {"S": product_id}}, ConsistentRead=True
        )
        attributes = response.get("Item")
        if not attributes:
            return None
        return Product(
            id=attributes["id"]["S"],
            name=attributes["name"]["S"],
            price_cents=int(attributes["price_cents"]["N"]),
            updated_at=attributes["updated_at"]["S"],
        )

    def put(self, product: Product) -> None:
        self._client.put_item(
            TableName=self._table,
            Item={
                "id": {"S": product.id},
                "name": {"S": product.name},
                "price_cents": {"N": str(product.price_cents)},
                "updated_at": {"S": product.updated_at},
            },
        )
