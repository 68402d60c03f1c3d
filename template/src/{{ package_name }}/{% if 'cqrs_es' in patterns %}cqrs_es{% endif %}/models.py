"""What callers send to the command side, checked before the domain sees it."""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..shared.errors import NotFoundError, ValidationError
from .domain import CloseAccount, Command, Deposit, OpenAccount, Withdraw

ACCOUNT_ID = re.compile(r"[0-9a-f]{32}")


@dataclass(frozen=True, slots=True)
class Request:
    """A command and the version the caller last saw (None: whatever is current)."""

    command: Command
    expected_version: int | None


def valid_account_id(account_id: str) -> str:
    """Ids are issued by this service; anything else names no account."""
    if not ACCOUNT_ID.fullmatch(account_id):
        raise NotFoundError(f"Account {account_id[:64]} not found")
    return account_id


def _object(body: Any, allowed: set[str]) -> Mapping[str, Any]:
    if body is None:
        body = {}
    if not isinstance(body, Mapping):
        raise ValidationError("Request body must be a JSON object")
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise ValidationError(f"Unknown field(s): {', '.join(unknown)}")
    return body


def _expected_version(body: Mapping[str, Any]) -> int | None:
    version = body.get("expectedVersion")
    if version is not None and (type(version) is not int or version < 1):
        raise ValidationError("'expectedVersion' must be a positive integer")
    return version


def _amount(body: Mapping[str, Any]) -> int:
    amount = body.get("amount")
    if amount is None:
        raise ValidationError("'amount' is required (whole cents)")
    if type(amount) is not int:
        raise ValidationError("'amount' must be a whole number of cents")
    return amount


def parse_open_account(body: Any) -> OpenAccount:
    fields = _object(body, {"owner"})
    owner = fields.get("owner")
    if owner is None:
        raise ValidationError("'owner' is required")
    if not isinstance(owner, str):
        raise ValidationError("'owner' must be a non-empty string")
    return OpenAccount(owner)


def parse_deposit(body: Any) -> Request:
    fields = _object(body, {"amount", "expectedVersion"})
    return Request(Deposit(_amount(fields)), _expected_version(fields))


def parse_withdrawal(body: Any) -> Request:
    fields = _object(body, {"amount", "expectedVersion"})
    return Request(Withdraw(_amount(fields)), _expected_version(fields))


def parse_closure(body: Any) -> Request:
    fields = _object(body, {"expectedVersion"})
    return Request(CloseAccount(), _expected_version(fields))
