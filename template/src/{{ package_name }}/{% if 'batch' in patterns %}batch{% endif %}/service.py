"""What the batch run does with each object: validate a CSV file of sales and summarise it.

A sales file has the header `sale_id,store_id,amount,currency,sold_at`. Every row is checked;
a bad row is counted and described (line number and reason), never fatal, so one typo does
not throw away a million good rows. A file that is not a sales file at all (missing columns)
fails the item: the Distributed Map counts it against its tolerated-failure threshold.
"""

import csv
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

from ..shared.errors import ValidationError

COLUMNS = ("sale_id", "store_id", "amount", "currency", "sold_at")
SUFFIX = ".csv"
# Enough rejections to find the pattern of a bad export; the counts cover the rest.
MAX_REJECTIONS_KEPT = 20
_CURRENCY = re.compile(r"^[A-Z]{3}$")


class InvalidFileError(ValidationError):
    """The object is not a sales file: its header lacks required columns."""


@dataclass(frozen=True, slots=True)
class Sale:
    sale_id: str
    store_id: str
    amount_cents: int
    currency: str
    sold_at: datetime


@dataclass(frozen=True, slots=True)
class Rejection:
    line: int
    reason: str


@dataclass(slots=True)
class FileSummary:
    bucket: str
    key: str
    rows: int = 0
    rejected: int = 0
    totals_cents: Counter[str] = field(default_factory=Counter)
    rejections: list[Rejection] = field(default_factory=list)

    @property
    def valid(self) -> int:
        return self.rows - self.rejected

    def add(self, sale: Sale) -> None:
        self.rows += 1
        self.totals_cents[sale.currency] += sale.amount_cents

    def reject(self, line: int, reason: str) -> None:
        self.rows += 1
        self.rejected += 1
        if len(self.rejections) < MAX_REJECTIONS_KEPT:
            self.rejections.append(Rejection(line, reason))

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": {"bucket": self.bucket, "key": self.key},
            "rows": self.rows,
            "valid": self.valid,
            "rejected": self.rejected,
            "totalsCents": dict(sorted(self.totals_cents.items())),
            "rejections": [{"line": r.line, "reason": r.reason} for r in self.rejections],
        }


def _text(row: dict[str, str | None], column: str) -> str:
    value = (row.get(column) or "").strip()
    if not value:
        raise ValidationError(f"{column} is empty")
    return value


def parse_sale(row: dict[str, str | None]) -> Sale:
    """One CSV row as a Sale; ValidationError says what is wrong with it."""
    try:
        amount = Decimal(_text(row, "amount"))
    except InvalidOperation:
        raise ValidationError("amount is not a number") from None
    exponent = amount.as_tuple().exponent
    if not amount.is_finite() or not isinstance(exponent, int) or exponent < -2:
        raise ValidationError("amount must have at most two decimal places")
    if amount < 0:
        raise ValidationError("amount must not be negative")
    currency = _text(row, "currency")
    if not _CURRENCY.match(currency):
        raise ValidationError("currency must be three capital letters (ISO 4217), e.g. EUR")
    try:
        sold_at = datetime.fromisoformat(_text(row, "sold_at"))
    except ValueError:
        raise ValidationError("sold_at is not an ISO 8601 date-time") from None
    return Sale(
        sale_id=_text(row, "sale_id"),
        store_id=_text(row, "store_id"),
        amount_cents=int(amount * 100),
        currency=currency,
        sold_at=sold_at,
    )


def summarise(bucket: str, key: str, lines: Iterable[str]) -> FileSummary:
    """Validate every row of a sales CSV and total the valid ones per currency."""
    reader = csv.DictReader(lines, strict=True)
    missing = [column for column in COLUMNS if column not in (reader.fieldnames or [])]
    if missing:
        raise InvalidFileError(f"{key} is not a sales file: missing columns {', '.join(missing)}")
    summary = FileSummary(bucket, key)
    try:
        for row in reader:
            if None in row:
                summary.reject(reader.line_num, "more fields than the header")
                continue
            try:
                summary.add(parse_sale(row))
            except ValidationError as error:
                summary.reject(reader.line_num, str(error))
    except csv.Error as error:
        summary.reject(reader.line_num, f"unreadable CSV from here on: {error}")
    return summary


class ObjectStore(Protocol):
    def read_lines(self, bucket: str, key: str) -> Iterable[str]: ...

    def write_json(self, bucket: str, key: str, document: dict[str, Any]) -> None: ...


class SalesFileSummariser:
    """Summarise one object and store the summary next to the others of its run."""

    def __init__(self, store: ObjectStore, summary_bucket: str, summary_prefix: str) -> None:
        self._store = store
        self._bucket = summary_bucket
        self._prefix = summary_prefix.strip("/")

    def summary_key(self, key: str) -> str:
        return f"{self._prefix}/{key}.summary.json"

    def run(self, bucket: str, key: str) -> dict[str, Any]:
        """The item's result for the Map: small (counts only); the full summary goes to S3."""
        if not key.endswith(SUFFIX):
            return {"key": key, "skipped": True}
        summary = summarise(bucket, key, self._store.read_lines(bucket, key))
        summary_key = self.summary_key(key)
        self._store.write_json(self._bucket, summary_key, summary.to_dict())
        return {
            "key": key,
            "skipped": False,
            "rows": summary.rows,
            "rejected": summary.rejected,
            "summary": f"s3://{self._bucket}/{summary_key}",
        }
