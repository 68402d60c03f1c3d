"""What callers send to the command side, checked before the domain sees it."""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..shared.errors import NotFoundError, ValidationError
from ..shared.fields import json_object, optional_integer, required_text
from .domain import OWNER_MAX_LENGTH, CloseAccount, Command, Deposit, OpenAccount, Withdraw

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


def _fields(body: Any, allowed: set[str]) -> Mapping[str, Any]:
    """The command's fields; a command without any may come without a body."""
    return json_object({} if body is None else body, allowed)


def _amount(fields: Mapping[str, Any]) -> int:
    """Whole cents; the domain decides which amounts an account accepts."""
    amount = fields.get("amount")
    if amount is None:
        raise ValidationError("'amount' is required (whole cents)")
    if type(amount) is not int:
        raise ValidationError("'amount' must be a whole number of cents")
    return amount


def _expected_version(fields: Mapping[str, Any]) -> int | None:
    return optional_integer(fields, "expectedVersion", 1)


def parse_open_account(body: Any) -> OpenAccount:
    return OpenAccount(required_text(_fields(body, {"owner"}), "owner", OWNER_MAX_LENGTH))


def parse_deposit(body: Any) -> Request:
    fields = _fields(body, {"amount", "expectedVersion"})
    return Request(Deposit(_amount(fields)), _expected_version(fields))


def parse_withdrawal(body: Any) -> Request:
    fields = _fields(body, {"amount", "expectedVersion"})
    return Request(Withdraw(_amount(fields)), _expected_version(fields))


def parse_closure(body: Any) -> Request:
    fields = _fields(body, {"expectedVersion"})
    return Request(CloseAccount(), _expected_version(fields))
