"""The item resource and the validation of what callers send."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..shared.errors import ValidationError

NAME_MAX_LENGTH = 100
DESCRIPTION_MAX_LENGTH = 1000


@dataclass(frozen=True, slots=True)
class Item:
    id: str
    name: str
    description: str
    version: int
    created_at: str
    updated_at: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "version": self.version,
            "createdAt": self.created_at,
            "updatedAt": self.updated_at,
        }


@dataclass(frozen=True, slots=True)
class NewItem:
    name: str
    description: str


@dataclass(frozen=True, slots=True)
class ItemChanges:
    name: str | None
    description: str | None
    expected_version: int | None


def _object(body: Any) -> Mapping[str, Any]:
    if not isinstance(body, Mapping):
        raise ValidationError("Request body must be a JSON object")
    return body


def _optional_text(body: Mapping[str, Any], field: str, max_length: int) -> str | None:
    value = body.get(field)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(f"'{field}' must be a non-empty string")
    if len(value) > max_length:
        raise ValidationError(f"'{field}' must be at most {max_length} characters")
    return value.strip()


def _required_text(body: Mapping[str, Any], field: str, max_length: int) -> str:
    value = _optional_text(body, field, max_length)
    if value is None:
        raise ValidationError(f"'{field}' is required")
    return value


def _reject_unknown(body: Mapping[str, Any], allowed: set[str]) -> None:
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise ValidationError(f"Unknown field(s): {', '.join(unknown)}")


def parse_new_item(body: Any) -> NewItem:
    fields = _object(body)
    _reject_unknown(fields, {"name", "description"})
    name = _required_text(fields, "name", NAME_MAX_LENGTH)
    description = _optional_text(fields, "description", DESCRIPTION_MAX_LENGTH)
    return NewItem(name=name, description=description or "")


def parse_item_changes(body: Any) -> ItemChanges:
    fields = _object(body)
    _reject_unknown(fields, {"name", "description", "version"})
    name = _optional_text(fields, "name", NAME_MAX_LENGTH)
    description = _optional_text(fields, "description", DESCRIPTION_MAX_LENGTH)
    if name is None and description is None:
        raise ValidationError("Give at least one of 'name' or 'description' to change")
    version = fields.get("version")
    if version is not None and (type(version) is not int or version < 1):
        raise ValidationError("'version' must be a positive integer")
    return ItemChanges(name=name, description=description, expected_version=version)
