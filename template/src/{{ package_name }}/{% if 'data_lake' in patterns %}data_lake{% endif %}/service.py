"""Ingestion rules: every order record landing in the raw zone is validated, then routed.

Producers upload JSON Lines files (one order per line) under `landing/`. Valid records are
normalised and written under `validated/`, which the ETL job reads; a line that is not a
valid order goes, with the reason, under `quarantine/`, where someone can fix and re-land it.
Output keys derive from the input key, so a redelivered event rewrites the same objects.
"""

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

from ..shared.errors import ValidationError

LANDING = "landing/"
VALIDATED = "validated/"
QUARANTINE = "quarantine/"
# The curated table stores amounts as decimal(12,2).
MAX_AMOUNT = Decimal("1e10")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_IDENTIFIER = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


@dataclass(frozen=True, slots=True)
class Order:
    order_id: str
    customer_id: str
    amount: Decimal
    currency: str
    ordered_at: datetime

    def to_record(self) -> dict[str, Any]:
        """The normalised form the ETL job reads: amount as a string, time in UTC."""
        return {
            "order_id": self.order_id,
            "customer_id": self.customer_id,
            "amount": f"{self.amount:.2f}",
            "currency": self.currency,
            "ordered_at": self.ordered_at.astimezone(UTC).isoformat(),
        }


def _identifier(record: dict[str, Any], field: str) -> str:
    value = record.get(field)
    if not isinstance(value, str) or not _IDENTIFIER.match(value):
        raise ValidationError(f"{field} must be 1-128 letters, digits or ._:-")
    return value


def parse_order(line: str) -> Order:
    """One JSON line as an Order; ValidationError says what is wrong with it."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError:
        raise ValidationError("not valid JSON") from None
    if not isinstance(record, dict):
        raise ValidationError("not a JSON object")
    raw_amount = record.get("amount")
    if isinstance(raw_amount, bool) or not isinstance(raw_amount, str | int | float):
        raise ValidationError("amount must be a number or a decimal string")
    try:
        amount = Decimal(str(raw_amount))
    except InvalidOperation:
        raise ValidationError("amount is not a number") from None
    exponent = amount.as_tuple().exponent
    if not amount.is_finite() or not isinstance(exponent, int) or exponent < -2 or amount < 0:
        raise ValidationError("amount must be a non-negative number with at most two decimals")
    if amount >= MAX_AMOUNT:
        raise ValidationError("amount must be below 10000000000 (the table's decimal(12,2))")
    currency = record.get("currency")
    if not isinstance(currency, str) or not _CURRENCY.match(currency):
        raise ValidationError("currency must be three capital letters (ISO 4217), e.g. EUR")
    try:
        ordered_at = datetime.fromisoformat(str(record.get("ordered_at")))
    except ValueError:
        raise ValidationError("ordered_at is not an ISO 8601 date-time") from None
    if ordered_at.tzinfo is None:
        raise ValidationError("ordered_at needs a time zone, e.g. 2026-11-26T12:00:00Z")
    return Order(
        order_id=_identifier(record, "order_id"),
        customer_id=_identifier(record, "customer_id"),
        amount=amount,
        currency=currency,
        ordered_at=ordered_at,
    )


@dataclass(frozen=True, slots=True)
class IngestionResult:
    key: str
    accepted: int
    quarantined: int
    validated_key: str | None
    quarantine_key: str | None


class ObjectStore(Protocol):
    def read_lines(self, bucket: str, key: str) -> Iterable[str]: ...

    def write_lines(self, bucket: str, key: str, lines: Iterable[str]) -> None: ...


class NotALandingKeyError(ValidationError):
    """The object is outside landing/: the event rule routes more than ingestion handles."""


class Ingestion:
    def __init__(self, store: ObjectStore) -> None:
        self._store = store

    def ingest(self, bucket: str, key: str) -> IngestionResult:
        if not key.startswith(LANDING) or key == LANDING:
            raise NotALandingKeyError(f"{key} is not under {LANDING}")
        name = key.removeprefix(LANDING)
        accepted: list[str] = []
        quarantined: list[str] = []
        for number, line in enumerate(self._store.read_lines(bucket, key), start=1):
            if not line.strip():
                continue
            try:
                accepted.append(json.dumps(parse_order(line).to_record(), sort_keys=True))
            except ValidationError as error:
                quarantined.append(
                    json.dumps({"line": number, "reason": str(error), "record": line})
                )
        validated_key = f"{VALIDATED}{name}" if accepted else None
        quarantine_key = f"{QUARANTINE}{name}" if quarantined else None
        if validated_key:
            self._store.write_lines(bucket, validated_key, accepted)
        if quarantine_key:
            self._store.write_lines(bucket, quarantine_key, quarantined)
        return IngestionResult(key, len(accepted), len(quarantined), validated_key, quarantine_key)
