"""The item resource and the validation of what callers send."""

from dataclasses import dataclass
from typing import Any

from ..shared.errors import ValidationError
from ..shared.fields import json_object, optional_integer, optional_text, required_text

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


def parse_new_item(body: Any) -> NewItem:
    fields = json_object(body, {"name", "description"})
    return NewItem(
        name=required_text(fields, "name", NAME_MAX_LENGTH),
        description=optional_text(fields, "description", DESCRIPTION_MAX_LENGTH) or "",
    )


def parse_item_changes(body: Any) -> ItemChanges:
    fields = json_object(body, {"name", "description", "version"})
    name = optional_text(fields, "name", NAME_MAX_LENGTH)
    description = optional_text(fields, "description", DESCRIPTION_MAX_LENGTH)
    if name is None and description is None:
        raise ValidationError("Give at least one of 'name' or 'description' to change")
    return ItemChanges(
        name=name, description=description, expected_version=optional_integer(fields, "version", 1)
    )
