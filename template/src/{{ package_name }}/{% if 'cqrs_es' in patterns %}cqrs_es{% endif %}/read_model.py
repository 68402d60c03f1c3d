"""The read model: one item per account, shaped for the query side, written only by projections.

Every write is conditional on the version, so a view never goes back in time: a replayed or
retried stream record finds the view already at (or past) its version and changes nothing.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from botocore.exceptions import ClientError

from .domain import Account

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef


@dataclass(frozen=True, slots=True)
class AccountView:
    account_id: str
    account: Account
    opened_at: str
    updated_at: str

    @property
    def version(self) -> int:
        return self.account.version

    def to_dict(self) -> dict[str, Any]:
        return {
            "accountId": self.account_id,
            "owner": self.account.owner,
            "balance": self.account.balance,
            "status": "open" if self.account.is_open else "closed",
            "version": self.account.version,
            "openedAt": self.opened_at,
            "updatedAt": self.updated_at,
        }


class AccountViews(Protocol):
    def get(self, account_id: str) -> AccountView | None: ...

    def save(self, view: AccountView) -> bool:
        """Store `view` unless a newer version is stored; False when it was not written."""


def _to_attributes(view: AccountView) -> "dict[str, AttributeValueTypeDef]":
    return {
        "account_id": {"S": view.account_id},
        "owner": {"S": view.account.owner},
        "balance": {"N": str(view.account.balance)},
        "is_open": {"BOOL": view.account.is_open},
        "version": {"N": str(view.account.version)},
        "opened_at": {"S": view.opened_at},
        "updated_at": {"S": view.updated_at},
    }


def _from_attributes(attributes: "dict[str, AttributeValueTypeDef]") -> AccountView:
    return AccountView(
        account_id=attributes["account_id"]["S"],
        account=Account(
            owner=attributes["owner"]["S"],
            balance=int(attributes["balance"]["N"]),
            is_open=attributes["is_open"]["BOOL"],
            version=int(attributes["version"]["N"]),
        ),
        opened_at=attributes["opened_at"]["S"],
        updated_at=attributes["updated_at"]["S"],
    )


class DynamoDbAccountViews:
    def __init__(self, client: "DynamoDBClient", table_name: str) -> None:
        self._client = client
        self._table = table_name

    def get(self, account_id: str) -> AccountView | None:
        response = self._client.get_item(
            TableName=self._table, Key={"account_id": {"S": account_id}}, ConsistentRead=True
        )
        attributes = response.get("Item")
        return _from_attributes(attributes) if attributes else None

    def save(self, view: AccountView) -> bool:
        # Equal versions are written too: a view is a pure function of the history up to its
        # version, so rewriting one changes nothing, and a rebuild can repair a drifted view.
        try:
            self._client.put_item(
                TableName=self._table,
                Item=_to_attributes(view),
                ConditionExpression="attribute_not_exists(account_id) OR version <= :version",
                ExpressionAttributeValues={":version": {"N": str(view.version)}},
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False
            raise
        return True
